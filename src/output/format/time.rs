//! Time in UTC: a proleptic Gregorian calendar and glibc's strftime in the C locale, for `@`
//! specifiers, `%I`, `%U`, the `tst` of `%j`, `--json` and the timestamps mqttkit writes.

use std::time::{SystemTime, UNIX_EPOCH};

/// RFC 3339 in UTC with milliseconds (`2026-11-22T10:00:00.123Z`), for timestamps mqttkit
/// writes into payloads.
pub fn iso8601_millis(t: SystemTime) -> String {
    let m = Moment::new(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        m.year,
        m.month,
        m.day,
        m.hour,
        m.minute,
        m.second,
        m.nanos / 1_000_000
    )
}

/// A point in time broken down in UTC.
#[derive(Debug, Clone, Copy)]
pub(super) struct Moment {
    /// Seconds since the Unix epoch (floor).
    pub(super) secs: i64,
    /// Nanoseconds after `secs`.
    pub(super) nanos: u32,
    year: i64,
    /// 1–12.
    month: u32,
    /// 1–31.
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// Days since 1 January, 0–365.
    yday: u32,
    /// Days since Sunday, 0–6.
    wday: u32,
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

impl Moment {
    pub(super) fn new(t: SystemTime) -> Moment {
        let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let secs = -(d.as_secs() as i64);
                match d.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs - 1, 1_000_000_000 - n),
                }
            }
        };
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Moment {
            secs,
            nanos,
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod / 60 % 60,
            second: sod % 60,
            yday: (days - days_from_civil(year, 1, 1)) as u32,
            wday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// `%I`: strftime `%Y-%m-%dT%H:%M:%S%z`.
    pub(super) fn iso8601(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}+0000",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `tst` of `%j`: mosquitto_sub writes the microseconds, then `Z`, then the `%z` offset.
    pub(super) fn json_tst(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z+0000",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanos / 1000
        )
    }

    /// RFC 3339 in UTC with microseconds, for `--json`.
    pub(super) fn rfc3339_utc_micros(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.nanos / 1000
        )
    }

    fn hour12(&self) -> u32 {
        match self.hour % 12 {
            0 => 12,
            h => h,
        }
    }

    /// ISO 8601 week-based year and week number (`%G`, `%V`).
    fn iso_week(&self) -> (i64, u32) {
        let monday_based = (self.wday + 6) % 7;
        let week = (self.yday as i64 - monday_based as i64 + 10) / 7;
        let weeks_in = |year: i64| {
            let jan1 = (days_from_civil(year, 1, 1) + 4).rem_euclid(7);
            if jan1 == 4 || (jan1 == 3 && is_leap(year)) {
                53i64
            } else {
                52
            }
        };
        if week < 1 {
            (self.year - 1, weeks_in(self.year - 1) as u32)
        } else if week > weeks_in(self.year) {
            (self.year + 1, 1)
        } else {
            (self.year, week as u32)
        }
    }

    /// One strftime conversion, C locale, UTC.
    pub(super) fn strftime(&self, conv: u8, buf: &mut Vec<u8>) {
        let s = match conv {
            b'a' => WEEKDAYS[self.wday as usize][..3].to_string(),
            b'A' => WEEKDAYS[self.wday as usize].to_string(),
            b'b' | b'h' => MONTHS[self.month as usize - 1][..3].to_string(),
            b'B' => MONTHS[self.month as usize - 1].to_string(),
            b'c' => format!(
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                &WEEKDAYS[self.wday as usize][..3],
                &MONTHS[self.month as usize - 1][..3],
                self.day,
                self.hour,
                self.minute,
                self.second,
                self.year
            ),
            b'C' => format!("{:02}", self.year.div_euclid(100)),
            b'd' => format!("{:02}", self.day),
            b'D' | b'x' => format!(
                "{:02}/{:02}/{:02}",
                self.month,
                self.day,
                self.year.rem_euclid(100)
            ),
            b'e' => format!("{:2}", self.day),
            b'F' => format!("{}-{:02}-{:02}", self.year, self.month, self.day),
            b'g' => format!("{:02}", self.iso_week().0.rem_euclid(100)),
            b'G' => self.iso_week().0.to_string(),
            b'H' => format!("{:02}", self.hour),
            b'I' => format!("{:02}", self.hour12()),
            b'j' => format!("{:03}", self.yday + 1),
            b'k' => format!("{:2}", self.hour),
            b'l' => format!("{:2}", self.hour12()),
            b'm' => format!("{:02}", self.month),
            b'M' => format!("{:02}", self.minute),
            b'n' => "\n".to_string(),
            b'N' => format!("{:09}", self.nanos),
            b'p' => if self.hour < 12 { "AM" } else { "PM" }.to_string(),
            b'P' => if self.hour < 12 { "am" } else { "pm" }.to_string(),
            b'r' => format!(
                "{:02}:{:02}:{:02} {}",
                self.hour12(),
                self.minute,
                self.second,
                if self.hour < 12 { "AM" } else { "PM" }
            ),
            b'R' => format!("{:02}:{:02}", self.hour, self.minute),
            b's' => self.secs.to_string(),
            b'S' => format!("{:02}", self.second),
            b't' => "\t".to_string(),
            b'T' | b'X' => format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second),
            b'u' => (if self.wday == 0 { 7 } else { self.wday }).to_string(),
            b'U' => format!("{:02}", (self.yday + 7 - self.wday) / 7),
            b'V' => format!("{:02}", self.iso_week().1),
            b'w' => self.wday.to_string(),
            b'W' => format!("{:02}", (self.yday + 7 - (self.wday + 6) % 7) / 7),
            b'y' => format!("{:02}", self.year.rem_euclid(100)),
            b'Y' => self.year.to_string(),
            b'z' => "+0000".to_string(),
            b'Z' => "UTC".to_string(),
            b'%' => "%".to_string(),
            _ => unreachable!("conversion checked by Template::parse"),
        };
        buf.extend_from_slice(s.as_bytes());
    }
}

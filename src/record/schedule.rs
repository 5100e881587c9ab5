//! When each message of a replay is due: the recorded offsets, scaled by `--speed`, against
//! absolute times from the start (a late message does not delay the ones after it, so there
//! is no drift over a long file).

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::schema::{micros_between, Record};

/// `--speed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// The recorded gaps divided by this factor.
    Factor(f64),
    /// No waiting: as fast as the connection (and, at QoS 1/2, the broker's acknowledgements)
    /// allow.
    Max,
}

impl Speed {
    /// `max`, `2x`, `0.5x` or a bare factor (`2`).
    pub fn parse(text: &str) -> Result<Speed, String> {
        if text.eq_ignore_ascii_case("max") {
            return Ok(Speed::Max);
        }
        let number = text.strip_suffix(['x', 'X']).unwrap_or(text);
        match number.parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => Ok(Speed::Factor(f)),
            _ => Err(format!(
                "{text:?}: expected a factor such as 2x or 0.5x, or max"
            )),
        }
    }
}

/// `--loop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loops {
    /// This many passes (at least one).
    Times(u64),
    /// Until stopped.
    Forever,
}

impl Loops {
    /// `forever` or a count of at least 1.
    pub fn parse(text: &str) -> Result<Loops, String> {
        if text.eq_ignore_ascii_case("forever") {
            return Ok(Loops::Forever);
        }
        match text.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Loops::Times(n)),
            _ => Err(format!(
                "{text:?}: expected a count of at least 1, or forever"
            )),
        }
    }

    /// Whether pass `pass` (from 0) is to be played.
    pub fn includes(self, pass: u64) -> bool {
        match self {
            Loops::Times(n) => pass < n,
            Loops::Forever => true,
        }
    }
}

/// The due times of one replay. A new pass (`--loop`), or an offset that goes back (an
/// SQLite file holding several recordings), starts again from the due time of the message
/// before it.
#[derive(Debug)]
pub struct Schedule {
    speed: Speed,
    /// The due time and offset the following offsets count from.
    origin: Option<(Instant, u64)>,
    /// The first receive time of the pass, for lines without `offset_us` (`sub --json`).
    first_received: Option<SystemTime>,
    last: Option<(Instant, u64)>,
}

impl Schedule {
    /// A schedule starting with the first message asked about.
    pub fn new(speed: Speed) -> Schedule {
        Schedule {
            speed,
            origin: None,
            first_received: None,
            last: None,
        }
    }

    /// The next message belongs to a new pass of the file.
    pub fn new_pass(&mut self) {
        self.origin = self.last;
        self.first_received = None;
        if let Some((at, _)) = self.origin {
            // The next message's offset, whatever it is, counts from the last due time.
            self.origin = Some((at, u64::MAX));
        }
    }

    /// The offset of `record` in its recording: `offset_us`, or the time since the pass's
    /// first receive time.
    pub fn offset_of(&mut self, record: &Record) -> u64 {
        match record.offset_us {
            Some(offset) => offset,
            None => {
                let first = *self.first_received.get_or_insert(record.received_at);
                micros_between(first, record.received_at)
            }
        }
    }

    /// When the message at `offset` is due (`None` at `--speed max`); `now` is the time the
    /// first message is due at.
    pub fn due(&mut self, offset: u64, now: Instant) -> Option<Instant> {
        let Speed::Factor(factor) = self.speed else {
            return None;
        };
        let (at, from) = match (self.origin, self.last) {
            (Some((at, u64::MAX)), _) => (at, offset),
            (Some(_), Some((last, last_offset))) if offset < last_offset => (last, offset),
            (Some(origin), _) => origin,
            (None, _) => (now, offset),
        };
        self.origin = Some((at, from));
        let due = at + Duration::from_secs_f64((offset - from) as f64 / 1e6 / factor);
        self.last = Some((due, offset));
        Some(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_and_loops_parse() {
        assert_eq!(Speed::parse("2x"), Ok(Speed::Factor(2.0)));
        assert_eq!(Speed::parse("0.5x"), Ok(Speed::Factor(0.5)));
        assert_eq!(Speed::parse("3"), Ok(Speed::Factor(3.0)));
        assert_eq!(Speed::parse("MAX"), Ok(Speed::Max));
        for bad in ["0x", "-1x", "fast", "infx", "NaNx", ""] {
            assert!(Speed::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Loops::parse("3"), Ok(Loops::Times(3)));
        assert_eq!(Loops::parse("forever"), Ok(Loops::Forever));
        assert!(Loops::parse("0").is_err() && Loops::parse("x").is_err());
    }

    #[test]
    fn due_times_are_absolute_and_scaled() {
        let start = Instant::now();
        let later = start + Duration::from_secs(100);
        let mut s = Schedule::new(Speed::Factor(2.0));
        assert_eq!(s.due(1_000_000, start), Some(start));
        // `now` no longer matters: a late caller does not shift the schedule.
        assert_eq!(
            s.due(3_000_000, later),
            Some(start + Duration::from_secs(1))
        );
        assert_eq!(
            s.due(5_000_000, later),
            Some(start + Duration::from_secs(2))
        );
        // A new pass continues from the last due time.
        s.new_pass();
        assert_eq!(s.due(0, later), Some(start + Duration::from_secs(2)));
        assert_eq!(
            s.due(2_000_000, later),
            Some(start + Duration::from_secs(3))
        );
        assert_eq!(Schedule::new(Speed::Max).due(5, start), None);
    }

    #[test]
    fn an_offset_going_back_restarts_from_the_last_due_time() {
        let start = Instant::now();
        let mut s = Schedule::new(Speed::Factor(1.0));
        s.due(0, start);
        s.due(1_000_000, start);
        assert_eq!(s.due(10, start), Some(start + Duration::from_secs(1)));
        assert_eq!(
            s.due(500_010, start),
            Some(start + Duration::from_millis(1500))
        );
    }
}

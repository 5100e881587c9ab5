//! JSON as cJSON (and so mosquitto_sub) reads and writes it: a lenient parser, numbers as
//! `%g`, and the compact or tab-indented layout.

/// A JSON value; objects keep their order and duplicate keys.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Whether `%J` embeds this payload as JSON: it parses as JSON (leniently, as mosquitto_sub's
/// cJSON does: leading zeros, `1.`, `-.5` and control characters as white space are accepted)
/// and is valid UTF-8 without NUL bytes. The empty payload counts as JSON (`%J` shows it as `null`).
pub fn is_json(payload: &[u8]) -> bool {
    payload.is_empty() || parse_json(payload).is_some()
}

/// cJSON's nesting limit, which mosquitto_sub's %J inherits.
const MAX_NESTING: usize = 1000;

pub(super) fn parse_json(payload: &[u8]) -> Option<Json> {
    // mosquitto_sub rejects a payload with a NUL byte anywhere (measured: `[1]\0`).
    if payload.contains(&0) {
        return None;
    }
    std::str::from_utf8(payload).ok()?;
    let mut p = JsonParser {
        b: payload,
        i: 0,
        depth: 0,
    };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    (p.i == payload.len()).then_some(value)
}

struct JsonParser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// cJSON skips every byte up to and including the space.
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b <= b' ') {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &[u8], value: Json) -> Option<Json> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(value)
        } else {
            None
        }
    }

    fn value(&mut self) -> Option<Json> {
        match self.peek()? {
            b'n' => self.literal(b"null", Json::Null),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'"' => self.string().map(Json::Str),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' => self.nested(Self::array),
            b'{' => self.nested(Self::object),
            _ => None,
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Option<Json>) -> Option<Json> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn array(&mut self) -> Option<Json> {
        self.i += 1;
        self.skip_ws();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Json::Array(items));
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self) -> Option<Json> {
        self.i += 1;
        self.skip_ws();
        let mut members = Vec::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(Json::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.skip_ws();
            members.push((key, self.value()?));
            self.skip_ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(Json::Object(members));
                }
                _ => return None,
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.b.get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
    }

    /// A string starting at the opening quote. Raw control characters are accepted, as cJSON
    /// accepts them; escapes must be JSON's, surrogates must pair.
    fn string(&mut self) -> Option<String> {
        let mut out = String::new();
        let mut i = self.i + 1;
        loop {
            match *self.b.get(i)? {
                b'"' => break,
                b'\\' => {
                    i += 1;
                    let c = match *self.b.get(i)? {
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'u' => {
                            let first = self.hex4(i + 1)?;
                            i += 4;
                            let code = match first {
                                0xDC00..=0xDFFF => return None,
                                0xD800..=0xDBFF => {
                                    if self.b.get(i + 1..i + 3)? != b"\\u" {
                                        return None;
                                    }
                                    let second = self.hex4(i + 3)?;
                                    if !(0xDC00..=0xDFFF).contains(&second) {
                                        return None;
                                    }
                                    i += 6;
                                    0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF))
                                }
                                _ => first,
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    out.push(c);
                    i += 1;
                }
                _ => {
                    // Copy the run of plain bytes up to the next quote or backslash; the whole
                    // payload is UTF-8 and both delimiters are ASCII, so this is a str.
                    let start = i;
                    while self.b.get(i).is_some_and(|&b| b != b'"' && b != b'\\') {
                        i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.b[start..i]).ok()?);
                }
            }
        }
        self.i = i + 1;
        Some(out)
    }

    /// cJSON reads a number with `strtod`: an optional `-`, digits with an optional `.` and
    /// fraction (leading zeros and a trailing `.` allowed, `-.5` too), an optional exponent.
    fn number(&mut self) -> Option<Json> {
        let b = self.b;
        let mut i = self.i;
        let negative = b[i] == b'-';
        if negative {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let start = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            &b[start..*i]
        };
        let int = digits(&mut i);
        let mut frac: &[u8] = &[];
        if b.get(i) == Some(&b'.') {
            let mut j = i + 1;
            frac = digits(&mut j);
            if !int.is_empty() || !frac.is_empty() {
                i = j;
            }
        }
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut exp: &[u8] = &[];
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            let sign = matches!(b.get(j), Some(b'+' | b'-'));
            if sign {
                j += 1;
            }
            let e = digits(&mut j);
            if !e.is_empty() {
                exp = &b[i + 1..j];
                i = j;
            }
        }
        let text = format!(
            "{}{}.{}e{}",
            if negative { "-" } else { "" },
            if int.is_empty() {
                "0"
            } else {
                std::str::from_utf8(int).ok()?
            },
            if frac.is_empty() {
                "0"
            } else {
                std::str::from_utf8(frac).ok()?
            },
            if exp.is_empty() {
                "0"
            } else {
                std::str::from_utf8(exp).ok()?
            },
        );
        self.i = i;
        text.parse().ok().map(Json::Number)
    }
}

/// C's `%.{precision}g`.
fn format_g(d: f64, precision: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{:.*e}", precision - 1, d);
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is a number");
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= precision as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", trim(mantissa), sign, exp.unsigned_abs())
    } else {
        trim(&format!("{:.*}", (precision as i32 - 1 - exp) as usize, d))
    }
}

/// A number as cJSON prints it: `%1.15g`, or `%1.17g` when that does not read back as (nearly)
/// the same number; not finite is `null`.
fn json_number(d: f64) -> String {
    if !d.is_finite() {
        return "null".to_string();
    }
    let short = format_g(d, 15);
    let back: f64 = short.parse().unwrap_or(f64::NAN);
    let max = if back.abs() > d.abs() {
        back.abs()
    } else {
        d.abs()
    };
    if (back - d).abs() <= max * f64::EPSILON {
        short
    } else {
        format_g(d, 17)
    }
}

/// A JSON string as cJSON escapes it: `"` `\` and the C0 controls; everything else is kept.
fn print_json_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// Prints as cJSON does: compact, or (`pretty`) objects with one tab-indented member per line
/// and `"key":\tvalue`, arrays on one line with `, ` between items.
pub(super) fn print_json(v: &Json, depth: usize, pretty: bool, out: &mut Vec<u8>) {
    match v {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Json::Number(d) => out.extend_from_slice(json_number(*d).as_bytes()),
        Json::Str(s) => print_json_string(s, out),
        Json::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.extend_from_slice(if pretty { b", " } else { b"," });
                }
                print_json(item, depth + 1, pretty, out);
            }
            out.push(b']');
        }
        Json::Object(members) => {
            let depth = depth + 1;
            out.push(b'{');
            if pretty {
                out.push(b'\n');
            }
            for (n, (key, value)) in members.iter().enumerate() {
                if pretty {
                    out.resize(out.len() + depth, b'\t');
                }
                print_json_string(key, out);
                out.push(b':');
                if pretty {
                    out.push(b'\t');
                }
                print_json(value, depth, pretty, out);
                if n + 1 < members.len() {
                    out.push(b',');
                }
                if pretty {
                    out.push(b'\n');
                }
            }
            if pretty {
                out.resize(out.len() + depth - 1, b'\t');
            }
            out.push(b'}');
        }
    }
}

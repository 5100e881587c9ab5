//! How `mqttkit sub` prints a received message: the default output (`-v` or not), the `-F`
//! templates of `mosquitto_sub`, and `--json` lines.
//!
//! Everything here is a pure function of the message writing to the `impl Write` it is given;
//! none of it appends the end-of-line, which the caller writes unless `-N`.
//!
//! The behaviour was measured against Debian's `mosquitto_sub` 2.0.11 (see the tests, which name
//! the command behind each expected string). Where this module deliberately differs, the item's
//! documentation says so; in short:
//!
//! - Times (`%I`, `@…`, the `tst` of `%j`) are always in UTC. mosquitto_sub uses the local time
//!   zone; the two agree when `TZ` is unset on a host whose zone is UTC (CI, containers). Time
//!   zones other than UTC are not supported yet: there is no time zone database here.
//! - An unknown `@` time specifier (such as `@Q`, `@E`, `@5`) is rejected by [`Template::parse`];
//!   mosquitto_sub passes it to `strftime`, which prints it back (`%Q`).
//! - `%J` with a payload that is not JSON embeds the payload as a JSON string, as `%j` does.
//!   mosquitto_sub prints an error on stderr and leaves `%J` empty, which breaks JSON consumers.
//!   [`Template::embeds_json`] and [`is_json`] let the caller warn if it wants to.
//! - JSON strings never contain raw invalid UTF-8 or stop at a NUL byte: `%j` shows a non-UTF-8
//!   payload with U+FFFD replacement characters and a NUL as `\u0000`, where mosquitto_sub
//!   writes the raw bytes and cuts the string at the first NUL.
//! - `%Nx`/`%NX` show as many whole payload bytes as fit in N hex digits; mosquitto_sub shows
//!   only half the payload when it is shorter than the width (a bug). `%-p`/`%-x` with no width
//!   print the payload alone; mosquitto_sub appends as many spaces as the payload has bytes.
//! - The `topic-alias` of `%j` is the real alias (mosquitto_sub prints a wrong number), and `%E`
//!   prints a message expiry interval above 2^31-1 as it is (mosquitto_sub: a negative number).
//! - mosquitto_sub keeps the v5 properties of `%j` in the order they arrived; [`Received`] does
//!   not keep it, so they come in a fixed order (see `mosquitto_properties`).

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::Serialize;

use crate::conn::PublishProperties;

/// A message as received, with everything the formats may show.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: u8,
    pub retain: bool,
    /// Packet id, 0 at QoS 0.
    pub mid: u16,
    pub received_at: SystemTime,
    /// Some only for MQTT 5.
    pub properties: Option<&'a PublishProperties>,
}

// ---------------------------------------------------------------------------------------------
// Default output
// ---------------------------------------------------------------------------------------------

/// Default output (no `-F`, no `--json`), as mosquitto_sub prints it: the raw payload; with
/// `verbose` (`-v`), `topic payload`, or `topic (null)` for an empty payload.
///
/// Returns whether a record was written. Without `verbose`, an empty payload writes nothing and
/// returns `false`: mosquitto_sub then prints no line at all, so the caller must not write the
/// end-of-line either. Otherwise the caller writes `\n` unless `-N`.
///
/// One mosquitto_sub quirk is left to the caller: with `-v -N`, mosquitto_sub prints nothing at
/// all for an empty payload (not even `topic (null)`); a caller that wants that too skips this
/// call when the payload is empty and `-N` is given.
pub fn write_plain(msg: &Received, verbose: bool, out: &mut impl Write) -> io::Result<bool> {
    match (verbose, msg.payload.is_empty()) {
        (false, true) => Ok(false),
        (false, false) => {
            out.write_all(msg.payload)?;
            Ok(true)
        }
        (true, true) => {
            let mut buf = Vec::with_capacity(msg.topic.len() + 7);
            buf.extend_from_slice(msg.topic.as_bytes());
            buf.extend_from_slice(b" (null)");
            out.write_all(&buf)?;
            Ok(true)
        }
        (true, false) => {
            let mut buf = Vec::with_capacity(msg.topic.len() + 1 + msg.payload.len());
            buf.extend_from_slice(msg.topic.as_bytes());
            buf.push(b' ');
            buf.extend_from_slice(msg.payload);
            out.write_all(&buf)?;
            Ok(true)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// --json
// ---------------------------------------------------------------------------------------------

/// A byte string as JSON: the text when it is UTF-8, else base64 (and the caller says so).
fn text_or_base64(bytes: &[u8]) -> (Cow<'_, str>, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => (
            Cow::Owned(base64::engine::general_purpose::STANDARD.encode(bytes)),
            Some("base64"),
        ),
    }
}

#[derive(Serialize)]
struct JsonLine<'a> {
    topic: &'a str,
    payload: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
    qos: u8,
    retain: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mid: Option<u16>,
    received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<JsonLineProperties<'a>>,
}

#[derive(Serialize)]
struct JsonLineProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_format_indicator: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_expiry_interval: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic_alias: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data_encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_properties: Vec<(&'a str, &'a str)>,
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    subscription_identifiers: &'a [usize],
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
}

/// `--json`: one JSON object (no trailing newline), fields in this order:
///
/// - `topic`;
/// - `payload`: the payload as text when it is valid UTF-8, else its base64 (standard alphabet,
///   padded), and then `"encoding":"base64"` follows;
/// - `qos` (number), `retain` (boolean), `mid` (only at QoS 1 and 2);
/// - `received_at`: RFC 3339 in UTC with microseconds, `2016-08-10T08:49:03.786368Z`;
/// - `properties`: MQTT 5 only (`{}` when the message had none), with only the properties
///   present: `payload_format_indicator`, `message_expiry_interval`, `topic_alias`,
///   `response_topic`, `correlation_data` (text, or base64 followed by
///   `"correlation_data_encoding":"base64"`), `user_properties` (an array of `[key, value]`
///   pairs, in order, duplicates kept), `subscription_identifiers` (an array), `content_type`.
pub fn write_json(msg: &Received, out: &mut impl Write) -> io::Result<()> {
    let (payload, encoding) = text_or_base64(msg.payload);
    let properties = msg.properties.map(|p| {
        let (correlation_data, correlation_data_encoding) =
            match p.correlation_data.as_deref().map(text_or_base64) {
                Some((data, encoding)) => (Some(data), encoding),
                None => (None, None),
            };
        JsonLineProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            topic_alias: p.topic_alias,
            response_topic: p.response_topic.as_deref(),
            correlation_data,
            correlation_data_encoding,
            user_properties: p
                .user_properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            subscription_identifiers: &p.subscription_identifiers,
            content_type: p.content_type.as_deref(),
        }
    });
    let line = JsonLine {
        topic: msg.topic,
        payload,
        encoding,
        qos: msg.qos,
        retain: msg.retain,
        mid: (msg.qos > 0).then_some(msg.mid),
        received_at: Moment::new(msg.received_at).rfc3339_utc_micros(),
        properties,
    };
    let buf = serde_json::to_vec(&line).map_err(io::Error::other)?;
    out.write_all(&buf)
}

// ---------------------------------------------------------------------------------------------
// -F templates
// ---------------------------------------------------------------------------------------------

/// The largest field width or precision accepted in a template.
const MAX_WIDTH: usize = 65_535;

/// Why a `-F` template was rejected. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `%` followed by something that is not a known conversion, e.g. `%z` or `%0-5p`.
    #[error("invalid format specifier '{spec}' at position {pos}")]
    InvalidSpecifier { spec: String, pos: usize },
    /// The template ends inside a `%` specifier.
    #[error("incomplete format specifier '{spec}' at position {pos} (write %% for a literal %)")]
    IncompleteSpecifier { spec: String, pos: usize },
    /// `@` followed by something that is not a supported time conversion, e.g. `@Q`.
    #[error("invalid time specifier '{spec}' at position {pos} (write @@ for a literal @)")]
    InvalidTimeSpecifier { spec: String, pos: usize },
    /// The template ends with a lone `@`.
    #[error("incomplete time specifier '@' at position {pos} (write @@ for a literal @)")]
    IncompleteTimeSpecifier { pos: usize },
    /// `\` followed by something other than `\ 0 a e n r t v`.
    #[error("invalid escape '{spec}' at position {pos} (write \\\\ for a literal \\)")]
    InvalidEscape { spec: String, pos: usize },
    /// The template ends with a lone `\`.
    #[error("incomplete escape '\\' at position {pos} (write \\\\ for a literal \\)")]
    IncompleteEscape { pos: usize },
    /// A field width or precision above 65535.
    #[error("field width or precision too large in '{spec}' at position {pos} (at most 65535)")]
    WidthTooLarge { spec: String, pos: usize },
}

/// Flags, width and precision of a `%` specifier (`%-010.5t`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Spec {
    /// `-`: pad on the right.
    left: bool,
    /// `0`: pad numbers (and payloads) with zeros.
    zero: bool,
    /// 0 when not given.
    width: usize,
    precision: Option<usize>,
}

/// What a `%` specifier shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conv {
    Topic,
    Payload,
    Qos,
    Retain,
    PayloadLen,
    Mid,
    IsoTime,
    UnixTime,
    Json,
    JsonEmbedded,
    HexLower,
    HexUpper,
    TopicAlias,
    ContentType,
    CorrelationData,
    MessageExpiry,
    PayloadFormat,
    UserProperties,
    ResponseTopic,
    SubscriptionId,
}

impl Conv {
    fn from_char(c: char) -> Option<Conv> {
        Some(match c {
            't' => Conv::Topic,
            'p' => Conv::Payload,
            'q' => Conv::Qos,
            'r' => Conv::Retain,
            'l' => Conv::PayloadLen,
            'm' => Conv::Mid,
            'I' => Conv::IsoTime,
            'U' => Conv::UnixTime,
            'j' => Conv::Json,
            'J' => Conv::JsonEmbedded,
            'x' => Conv::HexLower,
            'X' => Conv::HexUpper,
            'A' => Conv::TopicAlias,
            'C' => Conv::ContentType,
            'D' => Conv::CorrelationData,
            'E' => Conv::MessageExpiry,
            'F' => Conv::PayloadFormat,
            'P' => Conv::UserProperties,
            'R' => Conv::ResponseTopic,
            'S' => Conv::SubscriptionId,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(Vec<u8>),
    Field(Spec, Conv),
    /// A strftime conversion character (`@Y` is `b'Y'`).
    Time(u8),
}

/// The strftime conversions `@` supports (glibc's, in the C locale), plus `N` for nanoseconds.
const TIME_CONVERSIONS: &[u8] = b"aAbBcCdDeFgGhHIjklmMnNpPrRsStTuUVwWxXyYzZ%";

/// A parsed `-F` template. Parse it once at start-up, then [`Template::write`] each message.
///
/// The language is mosquitto_sub's:
///
/// - `%%` a literal `%`; `%t` topic; `%p` payload (raw bytes); `%q` QoS; `%r` retain (0/1);
///   `%l` payload length; `%m` packet id (0 at QoS 0); `%I` ISO 8601 time
///   (`2016-08-10T08:49:03+0000`); `%U` Unix time with nanoseconds (`1470818943.786368637`);
///   `%j` a JSON object with the payload as a string; `%J` the same with a JSON payload embedded
///   as JSON; `%x`/`%X` the payload in lower/upper case hex.
/// - MQTT 5 properties, empty when absent: `%A` topic alias, `%C` content type, `%D`
///   correlation data (raw bytes), `%E` message expiry interval, `%F` payload format indicator,
///   `%P` user properties (`k:v k2:v2`), `%R` response topic, `%S` subscription identifier
///   (several are joined with commas).
/// - `@X` is the strftime conversion `%X` of the time the message was received (in UTC; see the
///   module documentation), for `X` in `aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%`; `@N` is the
///   nanoseconds within the second (9 digits); `@@` a literal `@`.
/// - Escapes: `\\ \0 \a \e \n \r \t \v`.
/// - Between `%` and the conversion, printf-like `-` (pad on the right), `0` (pad with zeros),
///   a width and a `.precision`, in that order. As in mosquitto_sub: strings (`%t %I %C %R`)
///   take a width and a precision (maximum bytes shown) and pad with spaces even with `0`;
///   numbers (`%l %m %A %E %F %S`) take a width and `0`, and ignore the precision; `%p %x %X`
///   take a width, which is also the maximum they show (`%5p` shows at most 5 bytes, `%6x` at
///   most 3 bytes as 6 hex digits), and `0`; the others ignore all three. An absent `%A %E %F
///   %S` still fills its width (with zeros after `0`), an absent `%C` fills it with spaces, an
///   absent `%R` prints nothing. Widths and precisions count bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    items: Vec<Item>,
    pretty: bool,
}

impl Template {
    /// Parses a `-F` template. Errors name the offending specifier and its position (counting
    /// characters from 1). Unknown `%` specifiers, escapes and incomplete ones are rejected as
    /// mosquitto_sub rejects them; unknown `@` specifiers are rejected too (mosquitto_sub prints
    /// them back, e.g. `%Q` for `@Q`).
    pub fn parse(spec: &str) -> Result<Template, TemplateError> {
        Template::parse_with(spec, false)
    }

    /// [`Template::parse`], and with `pretty` (`--pretty`) `%j` and `%J` print indented JSON
    /// laid out as mosquitto_sub lays it out (tabs, one member per line, arrays on one line).
    pub fn parse_with(spec: &str, pretty: bool) -> Result<Template, TemplateError> {
        let chars: Vec<char> = spec.chars().collect();
        let mut items = Vec::new();
        let mut literal = Vec::new();
        let mut i = 0;
        let text = |from: usize, to: usize| chars[from..to.min(chars.len())].iter().collect();
        while i < chars.len() {
            let c = chars[i];
            match c {
                '%' => {
                    let start = i;
                    i += 1;
                    let mut spec = Spec::default();
                    if chars.get(i) == Some(&'-') {
                        spec.left = true;
                        i += 1;
                    }
                    if chars.get(i) == Some(&'0') {
                        spec.zero = true;
                        i += 1;
                    }
                    let too_large = |i: usize| TemplateError::WidthTooLarge {
                        spec: text(start, i + 1),
                        pos: start + 1,
                    };
                    while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                        spec.width = spec.width * 10 + d as usize;
                        if spec.width > MAX_WIDTH {
                            return Err(too_large(i));
                        }
                        i += 1;
                    }
                    if chars.get(i) == Some(&'.') {
                        i += 1;
                        let mut precision = 0;
                        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                            precision = precision * 10 + d as usize;
                            if precision > MAX_WIDTH {
                                return Err(too_large(i));
                            }
                            i += 1;
                        }
                        spec.precision = Some(precision);
                    }
                    let Some(&conv) = chars.get(i) else {
                        return Err(TemplateError::IncompleteSpecifier {
                            spec: text(start, i),
                            pos: start + 1,
                        });
                    };
                    if conv == '%' {
                        literal.push(b'%');
                    } else if let Some(conv) = Conv::from_char(conv) {
                        if !literal.is_empty() {
                            items.push(Item::Literal(std::mem::take(&mut literal)));
                        }
                        items.push(Item::Field(spec, conv));
                    } else {
                        return Err(TemplateError::InvalidSpecifier {
                            spec: text(start, i + 1),
                            pos: start + 1,
                        });
                    }
                    i += 1;
                }
                '@' => {
                    let Some(&conv) = chars.get(i + 1) else {
                        return Err(TemplateError::IncompleteTimeSpecifier { pos: i + 1 });
                    };
                    if conv == '@' {
                        literal.push(b'@');
                    } else if conv.is_ascii() && TIME_CONVERSIONS.contains(&(conv as u8)) {
                        if !literal.is_empty() {
                            items.push(Item::Literal(std::mem::take(&mut literal)));
                        }
                        items.push(Item::Time(conv as u8));
                    } else {
                        return Err(TemplateError::InvalidTimeSpecifier {
                            spec: text(i, i + 2),
                            pos: i + 1,
                        });
                    }
                    i += 2;
                }
                '\\' => {
                    let Some(&esc) = chars.get(i + 1) else {
                        return Err(TemplateError::IncompleteEscape { pos: i + 1 });
                    };
                    literal.push(match esc {
                        '\\' => b'\\',
                        '0' => 0,
                        'a' => 0x07,
                        'e' => 0x1b,
                        'n' => b'\n',
                        'r' => b'\r',
                        't' => b'\t',
                        'v' => 0x0b,
                        _ => {
                            return Err(TemplateError::InvalidEscape {
                                spec: text(i, i + 2),
                                pos: i + 1,
                            })
                        }
                    });
                    i += 2;
                }
                _ => {
                    let mut utf8 = [0; 4];
                    literal.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    i += 1;
                }
            }
        }
        if !literal.is_empty() {
            items.push(Item::Literal(literal));
        }
        Ok(Template { items, pretty })
    }

    /// Whether the template has `%J`, whose output differs for payloads that are not JSON
    /// (see [`is_json`]).
    pub fn embeds_json(&self) -> bool {
        self.items
            .iter()
            .any(|item| matches!(item, Item::Field(_, Conv::JsonEmbedded)))
    }

    /// Writes one message. Does not append the end-of-line: the caller writes `\n` unless `-N`.
    /// The record is written with a single `write_all`.
    pub fn write(&self, msg: &Received, out: &mut impl Write) -> io::Result<()> {
        let mut buf = Vec::with_capacity(64 + msg.topic.len() + msg.payload.len());
        let mut time: Option<Moment> = None;
        for item in &self.items {
            match item {
                Item::Literal(bytes) => buf.extend_from_slice(bytes),
                Item::Field(spec, conv) => {
                    let time = time.get_or_insert_with(|| Moment::new(msg.received_at));
                    self.field(&mut buf, *spec, *conv, msg, time);
                }
                Item::Time(conv) => {
                    let time = time.get_or_insert_with(|| Moment::new(msg.received_at));
                    time.strftime(*conv, &mut buf);
                }
            }
        }
        out.write_all(&buf)
    }

    fn field(&self, buf: &mut Vec<u8>, spec: Spec, conv: Conv, msg: &Received, time: &Moment) {
        let props = msg.properties;
        match conv {
            Conv::Topic => pad_str(buf, msg.topic.as_bytes(), spec),
            Conv::Payload => pad_payload(buf, msg.payload, spec, None),
            Conv::HexLower => pad_payload(buf, msg.payload, spec, Some(false)),
            Conv::HexUpper => pad_payload(buf, msg.payload, spec, Some(true)),
            Conv::Qos => buf.extend_from_slice(msg.qos.to_string().as_bytes()),
            Conv::Retain => buf.push(if msg.retain { b'1' } else { b'0' }),
            Conv::PayloadLen => pad_int(buf, msg.payload.len() as u64, spec),
            Conv::Mid => pad_int(buf, u64::from(msg.mid), spec),
            Conv::IsoTime => pad_str(buf, time.iso8601().as_bytes(), spec),
            Conv::UnixTime => {
                let s = format!("{}.{:09}", time.secs, time.nanos);
                buf.extend_from_slice(s.as_bytes());
            }
            Conv::Json | Conv::JsonEmbedded => {
                let json = mosquitto_json(msg, time, conv == Conv::JsonEmbedded);
                print_json(&json, 0, self.pretty, buf);
            }
            Conv::TopicAlias => {
                pad_opt_int(buf, props.and_then(|p| p.topic_alias).map(u64::from), spec)
            }
            Conv::MessageExpiry => pad_opt_int(
                buf,
                props.and_then(|p| p.message_expiry_interval).map(u64::from),
                spec,
            ),
            Conv::PayloadFormat => pad_opt_int(
                buf,
                props
                    .and_then(|p| p.payload_format_indicator)
                    .map(u64::from),
                spec,
            ),
            Conv::SubscriptionId => {
                let ids = props.map_or(&[][..], |p| &p.subscription_identifiers[..]);
                if ids.is_empty() {
                    pad_opt_int(buf, None, spec);
                }
                for (n, id) in ids.iter().enumerate() {
                    if n > 0 {
                        buf.push(b',');
                    }
                    pad_int(buf, *id as u64, spec);
                }
            }
            Conv::ContentType => {
                let ct = props.and_then(|p| p.content_type.as_deref()).unwrap_or("");
                pad_str(buf, ct.as_bytes(), spec);
            }
            Conv::ResponseTopic => {
                if let Some(rt) = props.and_then(|p| p.response_topic.as_deref()) {
                    pad_str(buf, rt.as_bytes(), spec);
                }
            }
            Conv::CorrelationData => {
                if let Some(cd) = props.and_then(|p| p.correlation_data.as_deref()) {
                    buf.extend_from_slice(cd);
                }
            }
            Conv::UserProperties => {
                for (n, (k, v)) in props
                    .map_or(&[][..], |p| &p.user_properties[..])
                    .iter()
                    .enumerate()
                {
                    if n > 0 {
                        buf.push(b' ');
                    }
                    buf.extend_from_slice(k.as_bytes());
                    buf.push(b':');
                    buf.extend_from_slice(v.as_bytes());
                }
            }
        }
    }
}

fn pad(buf: &mut Vec<u8>, byte: u8, n: usize) {
    buf.resize(buf.len() + n, byte);
}

/// printf `%*.*s`: the precision cuts, the width pads with spaces (`0` ignored).
fn pad_str(buf: &mut Vec<u8>, s: &[u8], spec: Spec) {
    let s = &s[..spec.precision.map_or(s.len(), |p| p.min(s.len()))];
    let fill = spec.width.saturating_sub(s.len());
    if spec.left {
        buf.extend_from_slice(s);
        pad(buf, b' ', fill);
    } else {
        pad(buf, b' ', fill);
        buf.extend_from_slice(s);
    }
}

/// printf `%*d` for a non-negative number: `-` wins over `0`; the precision is ignored.
fn pad_int(buf: &mut Vec<u8>, n: u64, spec: Spec) {
    let s = n.to_string();
    let fill = spec.width.saturating_sub(s.len());
    if spec.left {
        buf.extend_from_slice(s.as_bytes());
        pad(buf, b' ', fill);
    } else {
        pad(buf, if spec.zero { b'0' } else { b' ' }, fill);
        buf.extend_from_slice(s.as_bytes());
    }
}

/// A number property: when absent, mosquitto_sub still fills the width, with zeros after `0`
/// (even with `-`).
fn pad_opt_int(buf: &mut Vec<u8>, n: Option<u64>, spec: Spec) {
    match n {
        Some(n) => pad_int(buf, n, spec),
        None => pad(buf, if spec.zero { b'0' } else { b' ' }, spec.width),
    }
}

/// `%p` (`hex` None), `%x` (Some(false)), `%X` (Some(true)): a width is also the most shown.
fn pad_payload(buf: &mut Vec<u8>, payload: &[u8], spec: Spec, hex: Option<bool>) {
    let per_byte = if hex.is_some() { 2 } else { 1 };
    let shown = if spec.width == 0 {
        payload
    } else {
        &payload[..payload.len().min(spec.width / per_byte)]
    };
    let fill = spec.width.saturating_sub(shown.len() * per_byte);
    let write = |buf: &mut Vec<u8>| match hex {
        None => buf.extend_from_slice(shown),
        Some(upper) => {
            let digits = if upper {
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            for b in shown {
                buf.push(digits[usize::from(b >> 4)]);
                buf.push(digits[usize::from(b & 15)]);
            }
        }
    };
    if spec.left {
        write(buf);
        pad(buf, b' ', fill);
    } else {
        pad(buf, if spec.zero { b'0' } else { b' ' }, fill);
        write(buf);
    }
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

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
struct Moment {
    /// Seconds since the Unix epoch (floor).
    secs: i64,
    /// Nanoseconds after `secs`.
    nanos: u32,
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
    fn new(t: SystemTime) -> Moment {
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
    fn iso8601(&self) -> String {
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}+0000",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `tst` of `%j`: mosquitto_sub writes the microseconds, then `Z`, then the `%z` offset.
    fn json_tst(&self) -> String {
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
    fn rfc3339_utc_micros(&self) -> String {
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
    fn strftime(&self, conv: u8, buf: &mut Vec<u8>) {
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

// ---------------------------------------------------------------------------------------------
// JSON as mosquitto_sub (cJSON) writes it
// ---------------------------------------------------------------------------------------------

/// A JSON value; objects keep their order and duplicate keys.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

fn obj_entry(key: &str, value: Json) -> (String, Json) {
    (key.to_string(), value)
}

/// The object of `%j` (`embed` false) and `%J` (`embed` true).
fn mosquitto_json(msg: &Received, time: &Moment, embed: bool) -> Json {
    let mut fields = vec![
        obj_entry("tst", Json::Str(time.json_tst())),
        obj_entry("topic", Json::Str(msg.topic.to_string())),
        obj_entry("qos", Json::Number(f64::from(msg.qos))),
        obj_entry("retain", Json::Number(if msg.retain { 1.0 } else { 0.0 })),
        obj_entry("payloadlen", Json::Number(msg.payload.len() as f64)),
    ];
    if msg.qos > 0 {
        fields.push(obj_entry("mid", Json::Number(f64::from(msg.mid))));
    }
    if let Some(props) = msg.properties.filter(|p| !p.is_empty()) {
        fields.push(obj_entry("properties", mosquitto_properties(props)));
    }
    let payload = if msg.payload.is_empty() {
        Json::Null
    } else {
        let parsed = if embed { parse_json(msg.payload) } else { None };
        parsed.unwrap_or_else(|| Json::Str(String::from_utf8_lossy(msg.payload).into_owned()))
    };
    fields.push(obj_entry("payload", payload));
    Json::Object(fields)
}

/// mosquitto_sub lists the properties in the order they arrived, which is not kept here: this
/// is the order a mosquitto broker forwards them in when the publisher sent them in the order
/// `user-property… content-type correlation-data response-topic message-expiry-interval
/// payload-format-indicator` (the broker puts the subscription identifier first and the
/// message expiry interval last); the topic alias, which mosquitto brokers never send, last.
fn mosquitto_properties(p: &PublishProperties) -> Json {
    let mut fields = Vec::new();
    for id in &p.subscription_identifiers {
        fields.push(obj_entry(
            "subscription-identifier",
            Json::Number(*id as f64),
        ));
    }
    if !p.user_properties.is_empty() {
        let pairs = p
            .user_properties
            .iter()
            .map(|(k, v)| (k.clone(), Json::Str(v.clone())))
            .collect();
        fields.push(obj_entry("user-properties", Json::Object(pairs)));
    }
    if let Some(ct) = &p.content_type {
        fields.push(obj_entry("content-type", Json::Str(ct.clone())));
    }
    if let Some(cd) = &p.correlation_data {
        let cd = String::from_utf8_lossy(cd).into_owned();
        fields.push(obj_entry("correlation-data", Json::Str(cd)));
    }
    if let Some(rt) = &p.response_topic {
        fields.push(obj_entry("response-topic", Json::Str(rt.clone())));
    }
    if let Some(pfi) = p.payload_format_indicator {
        fields.push(obj_entry(
            "payload-format-indicator",
            Json::Number(f64::from(pfi)),
        ));
    }
    if let Some(mei) = p.message_expiry_interval {
        fields.push(obj_entry(
            "message-expiry-interval",
            Json::Number(f64::from(mei)),
        ));
    }
    if let Some(ta) = p.topic_alias {
        fields.push(obj_entry("topic-alias", Json::Number(f64::from(ta))));
    }
    Json::Object(fields)
}

/// Whether `%J` embeds this payload as JSON: it parses as JSON (leniently, as mosquitto_sub's
/// cJSON does: leading zeros, `1.`, `-.5` and control characters as white space are accepted)
/// and is valid UTF-8 without NUL bytes. The empty payload counts as JSON (`%J` shows it as `null`).
pub fn is_json(payload: &[u8]) -> bool {
    payload.is_empty() || parse_json(payload).is_some()
}

/// cJSON's nesting limit, which mosquitto_sub's %J inherits.
const MAX_NESTING: usize = 1000;

fn parse_json(payload: &[u8]) -> Option<Json> {
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
fn print_json(v: &Json, depth: usize, pretty: bool, out: &mut Vec<u8>) {
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
                    pad(out, b'\t', depth);
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
                pad(out, b'\t', depth - 1);
            }
            out.push(b'}');
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected strings marked "measured" are what Debian's mosquitto_sub 2.0.11 (libmosquitto
    //! 2.0.11, libcjson 1.7.15) printed, minus its trailing newline, for the same message:
    //!
    //! `mosquitto_sub -V 5 -p PORT -t '#' -C 1 -q 2 -F FORMAT` (no `-V 5` for the MQTT 3.1.1
    //! messages, which have `properties: None`; `--pretty`, `-v` or no `-F` where a test says
    //! so), TZ unset on a UTC host, with an LD_PRELOAD shim making
    //! `clock_gettime(CLOCK_REALTIME)` return 1470818943.786368637 s (or the time the test
    //! names), connected to a scripted broker that sends one PUBLISH: the test's topic, payload,
    //! QoS, retain flag, packet id 7 at QoS 1 and 2, and v5 properties in the order subscription
    //! identifier, user properties, content type, correlation data, response topic, payload
    //! format indicator, message expiry interval, topic alias. The simpler cases were also
    //! checked against a mosquitto 2.0.11 broker fed by `mosquitto_pub -V 5 -D publish
    //! user-property k v -D publish content-type text/plain ...`. A differential run of this
    //! module against mosquitto_sub over ~800 such cases differs only where the module
    //! documentation says it does.

    use super::*;
    use std::time::Duration;

    /// 2016-08-10T08:49:03.786368637Z, the example of mosquitto_sub's man page for %U.
    fn t0() -> SystemTime {
        UNIX_EPOCH + Duration::new(1_470_818_943, 786_368_637)
    }

    fn msg<'a>(topic: &'a str, payload: &'a [u8]) -> Received<'a> {
        Received {
            topic,
            payload,
            qos: 0,
            retain: false,
            mid: 0,
            received_at: t0(),
            properties: None,
        }
    }

    /// A QoS 1 or 2 message, retained, packet id 7.
    fn msg_q<'a>(qos: u8, payload: &'a [u8], props: &'a PublishProperties) -> Received<'a> {
        Received {
            qos,
            retain: true,
            mid: 7,
            properties: Some(props),
            ..msg("t/abc", payload)
        }
    }

    /// What the tests call "all properties": `-D publish user-property k v -D publish
    /// user-property k2 v2 -D publish content-type text/plain -D publish correlation-data corr
    /// -D publish response-topic resp/t -D publish payload-format-indicator 1 -D publish
    /// message-expiry-interval 3600`, subscription identifier 42.
    fn all_props() -> PublishProperties {
        PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(3600),
            topic_alias: None,
            response_topic: Some("resp/t".into()),
            correlation_data: Some(b"corr".to_vec()),
            user_properties: vec![("k".into(), "v".into()), ("k2".into(), "v2".into())],
            subscription_identifiers: vec![42],
            content_type: Some("text/plain".into()),
        }
    }

    const JSON_PAYLOAD: &[u8] = br#"{"x":[1,2.50,"y"]}"#;

    fn render_bytes(template: &str, m: &Received) -> Vec<u8> {
        let mut out = Vec::new();
        Template::parse(template)
            .unwrap()
            .write(m, &mut out)
            .unwrap();
        out
    }

    fn render(template: &str, m: &Received) -> String {
        String::from_utf8(render_bytes(template, m)).unwrap()
    }

    fn render_pretty(template: &str, m: &Received) -> String {
        let mut out = Vec::new();
        Template::parse_with(template, true)
            .unwrap()
            .write(m, &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn basic_specifiers_v311() {
        // measured: -F '[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]', "hello" QoS 0 on t/abc
        assert_eq!(
            render(
                "[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]",
                &msg("t/abc", b"hello")
            ),
            "[%][t/abc][hello][0][0][5][0][2016-08-10T08:49:03+0000][1470818943.786368637]\
             [68656c6c6f][68656C6C6F]"
        );
    }

    #[test]
    fn basic_specifiers_v5_qos1_retained() {
        // measured: same -F, v5, QoS 1, retained, all properties, payload {"x":[1,2.50,"y"]}
        let props = all_props();
        assert_eq!(
            render(
                "[%%][%t][%p][%q][%r][%l][%m][%I][%U][%x][%X]",
                &msg_q(1, JSON_PAYLOAD, &props)
            ),
            r#"[%][t/abc][{"x":[1,2.50,"y"]}][1][1][18][7][2016-08-10T08:49:03+0000][1470818943.786368637]"#
                .to_string()
                + "[7b2278223a5b312c322e35302c2279225d7d][7B2278223A5B312C322E35302C2279225D7D]"
        );
    }

    #[test]
    fn json_v311() {
        // measured: -F %j, "hello" QoS 0
        assert_eq!(
            render("%j", &msg("t/abc", b"hello")),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}"#
        );
        // measured: -F %J, {"x":[1,2.50,"y"]} QoS 0 (cJSON reprints 2.50 as 2.5)
        assert_eq!(
            render("%J", &msg("t/abc", JSON_PAYLOAD)),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":18,"payload":{"x":[1,2.5,"y"]}}"#
        );
    }

    #[test]
    fn json_v5_with_properties() {
        let props = all_props();
        // measured: -F %j, QoS 1, retained, all properties
        assert_eq!(
            render("%j", &msg_q(1, JSON_PAYLOAD, &props)),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":1,"retain":1,"payloadlen":18,"mid":7,"properties":{"subscription-identifier":42,"user-properties":{"k":"v","k2":"v2"},"content-type":"text/plain","correlation-data":"corr","response-topic":"resp/t","payload-format-indicator":1,"message-expiry-interval":3600},"payload":"{\"x\":[1,2.50,\"y\"]}"}"#
        );
        // measured: -F %J, QoS 2, retained, all properties
        assert_eq!(
            render("%J", &msg_q(2, JSON_PAYLOAD, &props)),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":2,"retain":1,"payloadlen":18,"mid":7,"properties":{"subscription-identifier":42,"user-properties":{"k":"v","k2":"v2"},"content-type":"text/plain","correlation-data":"corr","response-topic":"resp/t","payload-format-indicator":1,"message-expiry-interval":3600},"payload":{"x":[1,2.5,"y"]}}"#
        );
        // measured (mosquitto broker, mosquitto_pub -V 5 -m x): v5 without properties has no
        // "properties" key.
        let none = PublishProperties::default();
        let m = Received {
            properties: Some(&none),
            ..msg("t/abc", b"x")
        };
        assert_eq!(
            render("%j", &m),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"payload":"x"}"#
        );
    }

    #[test]
    fn json_user_properties_keep_duplicates() {
        // measured (mosquitto broker): -D publish user-property k v -D publish user-property k
        // w -D publish user-property "" "", then -F %j
        let props = PublishProperties {
            user_properties: vec![
                ("k".into(), "v".into()),
                ("k".into(), "w".into()),
                (String::new(), String::new()),
            ],
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"x")
        };
        assert_eq!(
            render("%j|%P", &m),
            r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"properties":{"user-properties":{"k":"v","k":"w","":""}},"payload":"x"}|k:v k:w :"#
        );
    }

    #[test]
    fn v5_property_specifiers() {
        let props = all_props();
        let full = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hello")
        };
        // measured: -F '[%A][%C][%D][%E][%F][%P][%R][%S]', all properties
        assert_eq!(
            render("[%A][%C][%D][%E][%F][%P][%R][%S]", &full),
            "[][text/plain][corr][3600][1][k:v k2:v2][resp/t][42]"
        );
        // measured: the same for MQTT 3.1.1, and for v5 without properties
        let none = PublishProperties::default();
        let v5_none = Received {
            properties: Some(&none),
            ..msg("t/abc", b"hello")
        };
        for m in [msg("t/abc", b"hello"), v5_none] {
            assert_eq!(
                render("[%A][%C][%D][%E][%F][%P][%R][%S]", &m),
                "[][][][][][][][]"
            );
            // measured: absent numbers still fill the width (zeros after 0, even with -), an
            // absent %C fills it with spaces, absent %D %P %R print nothing.
            assert_eq!(
                render("[%5A][%-5C][%5D][%05E][%-05F][%5P][%5R][%05S][%.3C]", &m),
                "[     ][     ][][00000][00000][][][00000][]"
            );
        }
        let mut with_alias = all_props();
        with_alias.topic_alias = Some(12);
        let m = Received {
            properties: Some(&with_alias),
            ..msg("t/abc", b"hello")
        };
        // measured: topic alias 12 and all properties
        assert_eq!(
            render("[%5A][%-5C][%5D][%05E][%-05F][%5P][%5R][%05S][%.3C]", &m),
            "[   12][text/plain][corr][03600][1    ][k:v k2:v2][resp/t][00042][tex]"
        );
        // measured: widths and precisions on every v5 specifier
        assert_eq!(
            render(
                "[%10E][%-10E][%010E][%.2E][%2E][%10F][%010S][%-10S][%15C][%-15C][%015C][%.2C]\
                 [%10R][%-10R][%.2R][%10D][%.1D][%10P][%-10A][%05A][%.1A]",
                &m
            ),
            "[      3600][3600      ][0000003600][3600][3600][         1][0000000042][42        ]\
             [     text/plain][text/plain     ][     text/plain][te][    resp/t][resp/t    ][re]\
             [corr][corr][k:v k2:v2][12        ][00012][12]"
        );
    }

    #[test]
    fn correlation_data_is_raw() {
        // measured (scripted broker, correlation data 00 ff 41): %D writes the bytes as they are
        let props = PublishProperties {
            correlation_data: Some(vec![0, 0xff, b'A']),
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hi")
        };
        assert_eq!(render_bytes("[%D]", &m), b"[\x00\xffA]");
    }

    #[test]
    fn several_subscription_identifiers() {
        // Not measurable: libmosquitto drops a PUBLISH with two subscription identifiers. Ours:
        // joined with commas, the width applying to each.
        let props = PublishProperties {
            subscription_identifiers: vec![1, 300],
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hi")
        };
        assert_eq!(render("[%S][%04S]", &m), "[1,300][0001,0300]");
        assert!(render("%j", &m).contains(
            r#""properties":{"subscription-identifier":1,"subscription-identifier":300}"#
        ));
    }

    #[test]
    fn escapes() {
        // measured: -F '[\\][\0][\a][\e][\n][\r][\t][\v]'
        assert_eq!(
            render_bytes(r"[\\][\0][\a][\e][\n][\r][\t][\v]", &msg("t/abc", b"hello")),
            b"[\\][\x00][\x07][\x1b][\n][\r][\t][\x0b]"
        );
        // measured: -F '%t\0%p\0' (NUL-separated records for xargs -0)
        assert_eq!(
            render_bytes(r"%t\0%p\0", &msg("t/abc", b"x")),
            b"t/abc\x00x\x00"
        );
    }

    #[test]
    fn literals() {
        let m = msg("t/abc", b"hello");
        // measured: flags on %% are ignored; @@ and %% are literals; UTF-8 passes through
        assert_eq!(
            render("[%5%][%-%][%.2%][%05%] %%t @@Y %%%p lit é", &m),
            "[%][%][%][%] %t @Y %hello lit é"
        );
        // measured: -F '' prints an empty line
        assert_eq!(render("", &m), "");
    }

    #[test]
    fn widths_on_strings() {
        // measured: %t is printf %*.*s (0 pads with spaces); %I the same
        let m = msg("t/abc", b"hello");
        assert_eq!(
            render(
                "[%10t][%-10t][%.2t][%8.3t][%010t][%2t][%.0t][%-08.3t][%-t][%.t]",
                &m
            ),
            "[     t/abc][t/abc     ][t/][     t/a][     t/abc][t/abc][][t/a     ][t/abc][]"
        );
        assert_eq!(
            render("[%30I][%-30I][%030I][%.2I]", &m),
            "[      2016-08-10T08:49:03+0000][2016-08-10T08:49:03+0000      ]\
             [      2016-08-10T08:49:03+0000][20]"
        );
    }

    #[test]
    fn widths_on_numbers() {
        // measured: -F '[%10l][%-10l][%010l][%2l][%.2l][%-08.3l][%10m][%010m][%-l]', QoS 1
        let props = PublishProperties::default();
        let m = msg_q(1, b"hello", &props);
        assert_eq!(
            render(
                "[%10l][%-10l][%010l][%2l][%.2l][%-08.3l][%10m][%010m][%-l]",
                &m
            ),
            "[         5][5         ][0000000005][ 5][5][5       ][         7][0000000007][5]"
        );
    }

    #[test]
    fn widths_ignored() {
        // measured: %q %r %U %j take no width or precision
        assert_eq!(
            render(
                "[%10q][%-5r][%05q][%20U][%10.3U][%60j]",
                &msg("t/abc", b"hello")
            ),
            r#"[0][0][0][1470818943.786368637][1470818943.786368637][{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}]"#
        );
    }

    #[test]
    fn widths_on_payload() {
        let m = msg("t/abc", b"hello");
        // measured: a width on %p is also the most shown; the precision is ignored
        assert_eq!(
            render(
                "[%10p][%-10p][%010p][%3p][%.2p][%-3p][%-08p][%00008p][%0p]",
                &m
            ),
            "[     hello][hello     ][00000hello][hel][hello][hel][hello   ][000hello][hello]"
        );
        // measured: %x/%X show as many bytes as fit in the width (here fewer than the payload)
        assert_eq!(
            render("[%4x][%5X][%-4x][%04X][%1x][%2x][%.2x][%x]", &m),
            "[6865][ 6865][6865][6865][ ][68][68656c6c6f][68656c6c6f]"
        );
    }

    #[test]
    fn deviation_hex_width_longer_than_payload() {
        // mosquitto_sub -F '[%10x][%-10X][%010x][%5x]' shows only half of a shorter payload:
        // measured "[      6865][6865      ][0000006865]" for "hello" and "[     ]" for one
        // byte. Ours shows all of it.
        assert_eq!(
            render("[%10x][%-10X][%010x]", &msg("t/abc", b"hello")),
            "[68656c6c6f][68656C6C6F][68656c6c6f]"
        );
        assert_eq!(render("[%5x]", &msg("t/abc", b"\n")), "[   0a]");
        assert_eq!(render("[%12x]", &msg("t/abc", b"hello")), "[  68656c6c6f]");
    }

    #[test]
    fn deviation_left_without_width() {
        // mosquitto_sub -F '[%-p][%-x]' appends as many spaces as the payload has bytes
        // (measured "[hello     ][68656c6c6f     ]"); ours adds none.
        assert_eq!(
            render("[%-p][%-x]", &msg("t/abc", b"hello")),
            "[hello][68656c6c6f]"
        );
    }

    #[test]
    fn empty_payload() {
        // measured: mosquitto_pub -n, -F '[%p][%x][%X][%l][%5p][%-5x]|%j|%J'
        let m = msg("t/abc", b"");
        let json = r#"{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":0,"payload":null}"#;
        assert_eq!(
            render("[%p][%x][%X][%l][%5p][%-5x]|%j|%J", &m),
            format!("[][][][0][     ][     ]|{json}|{json}")
        );
    }

    #[test]
    fn binary_payload() {
        // measured: payload 61 00 62 01 1f 7f ff c3 a9, -F '[%p][%x][%X][%l]'
        assert_eq!(
            render_bytes(
                "[%p][%x][%X][%l]",
                &msg("t/abc", b"a\x00b\x01\x1f\x7f\xff\xc3\xa9")
            ),
            b"[a\x00b\x01\x1f\x7f\xff\xc3\xa9][610062011f7fffc3a9][610062011F7FFFC3A9][9]"
        );
    }

    #[test]
    fn json_string_escapes() {
        // measured: payload 01 1f "abc" 7f "é" \t \n \r \b \f " \ / < > & U+2028, -F %j
        let payload = "\u{1}\u{1f}abc\u{7f}é\t\n\r\u{8}\u{c}\"\\/<>&\u{2028}";
        assert_eq!(
            render("%j", &msg("t/abc", payload.as_bytes())),
            "{\"tst\":\"2016-08-10T08:49:03.786368Z+0000\",\"topic\":\"t/abc\",\"qos\":0,\
             \"retain\":0,\"payloadlen\":22,\
             \"payload\":\"\\u0001\\u001fabc\u{7f}é\\t\\n\\r\\b\\f\\\"\\\\/<>&\u{2028}\"}"
        );
        // measured: topic t/"q\é, -F '%t|%j'
        assert_eq!(
            render("%t|%j", &msg("t/\"q\\é", b"hello")),
            r#"t/"q\é|{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/\"q\\é","qos":0,"retain":0,"payloadlen":5,"payload":"hello"}"#
        );
    }

    #[test]
    fn deviation_json_non_utf8_and_nul() {
        // mosquitto_sub -F %j writes invalid UTF-8 as is (measured "payload":"\xff\xfeabc") and
        // stops at a NUL (measured "payload":"a" for a\0b); ours stays valid JSON.
        let out = render("%j", &msg("t/abc", b"\xff\xfeabc"));
        assert!(
            out.ends_with(r#""payloadlen":5,"payload":"��abc"}"#),
            "{out}"
        );
        let out = render("%j", &msg("t/abc", b"a\x00b"));
        assert!(
            out.ends_with(r#""payloadlen":3,"payload":"a\u0000b"}"#),
            "{out}"
        );
        // The same for correlation data (measured "correlation-data":"" for 00 ff 41).
        let props = PublishProperties {
            correlation_data: Some(vec![0, 0xff, b'A']),
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hi")
        };
        assert!(render("%j", &m).contains(r#""properties":{"correlation-data":"\u0000�A"}"#));
    }

    #[test]
    fn deviation_topic_alias_in_json() {
        // mosquitto_sub -F %j prints "topic-alias":0 for alias 3 (measured); ours the alias.
        let props = PublishProperties {
            topic_alias: Some(3),
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hi")
        };
        assert_eq!(
            render("%A|%j", &m),
            r#"3|{"tst":"2016-08-10T08:49:03.786368Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":2,"properties":{"topic-alias":3},"payload":"hi"}"#
        );
    }

    #[test]
    fn deviation_large_message_expiry() {
        // mosquitto_sub -F '[%E][%05E]' prints an expiry above 2^31-1 as a negative number
        // (measured "[-2][-0002]" for 4294967294); ours prints the number.
        let props = PublishProperties {
            message_expiry_interval: Some(4_294_967_294),
            ..Default::default()
        };
        let m = Received {
            properties: Some(&props),
            ..msg("t/abc", b"hi")
        };
        assert_eq!(render("[%E][%05E]", &m), "[4294967294][4294967294]");
    }

    #[test]
    fn json_embedded_values() {
        // measured: mosquitto_pub -m PAYLOAD, mosquitto_sub -F %J; the payload part of the output
        let cases: &[(&str, &str)] = &[
            ("0", "0"),
            ("-0", "-0"),
            ("-0.0", "-0"),
            ("1.0", "1"),
            ("1.5", "1.5"),
            ("0.1", "0.1"),
            ("12.50", "12.5"),
            ("1e10", "10000000000"),
            ("1e14", "100000000000000"),
            ("1e15", "1e+15"),
            ("1e20", "1e+20"),
            ("1E+2", "100"),
            ("1e+5", "100000"),
            ("1e-4", "0.0001"),
            ("1e-5", "1e-05"),
            ("0.000001", "1e-06"),
            ("-1.5e-7", "-1.5e-07"),
            ("0.0001234", "0.0001234"),
            ("123456.7", "123456.7"),
            ("2147483648", "2147483648"),
            ("-2147483649", "-2147483649"),
            ("1234567890123456", "1234567890123456"),
            ("123456789012345678", "1.2345678901234568e+17"),
            ("9007199254740993", "9.00719925474099e+15"),
            ("123456789012345.6", "123456789012345.59"),
            ("999999999999999.9", "1e+15"),
            ("0.30000000000000004", "0.3"),
            ("1.00000000000000011", "1"),
            ("3.14159265358979", "3.14159265358979"),
            ("100000000000000000000000", "1e+23"),
            ("5e-324", "4.94065645841247e-324"),
            ("2.5e-310", "2.50000000000002e-310"),
            ("1.7976931348623157e308", "1.79769313486232e+308"),
            ("1e400", "null"),
            ("-1e400", "null"),
            ("1e-400", "0"),
            ("01", "1"),
            ("-01", "-1"),
            ("00", "0"),
            ("1.", "1"),
            ("-.5", "-0.5"),
            ("1.e5", "100000"),
            (" [ 1 , 2 ] ", "[1,2]"),
            ("\u{1}[1]\u{1f}", "[1]"),
            ("[1,\u{b}2]", "[1,2]"),
            ("[ ]", "[]"),
            ("{ }", "{}"),
            (r#"{"a":{},"b":[[]]}"#, r#"{"a":{},"b":[[]]}"#),
            (r#"{"a":1,"a":2}"#, r#"{"a":1,"a":2}"#),
            ("[true,false,null]", "[true,false,null]"),
            (r#"{"":""}"#, r#"{"":""}"#),
            ("\"str\"", "\"str\""),
            (r#""\u0041\u00e9\u20ac\ud83d\ude00""#, "\"Aé€\u{1f600}\""),
            (r#""\uD83D\uDE00""#, "\"\u{1f600}\""),
            (r#""\/\b\f\n\r\t\"\\""#, r#""/\b\f\n\r\t\"\\""#),
            (r#""a\u0001b\u001fc\u007f""#, "\"a\\u0001b\\u001fc\u{7f}\""),
            ("\"a\tb\u{1}c\"", r#""a\tb\u0001c""#),
            ("\"é\"", "\"é\""),
            (
                r#"{"a":1,"a":2,"":[true,false,null,-0.0,"\u00e9\/"]}"#,
                r#"{"a":1,"a":2,"":[true,false,null,-0,"é/"]}"#,
            ),
        ];
        for (payload, expected) in cases {
            let parsed = parse_json(payload.as_bytes())
                .unwrap_or_else(|| panic!("{payload:?} should parse"));
            let mut out = Vec::new();
            print_json(&parsed, 0, false, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), *expected, "{payload:?}");
        }
    }

    #[test]
    fn json_embedded_rejects_what_mosquitto_rejects() {
        // measured: mosquitto_sub -F %J prints "Error: Message payload is not valid JSON on
        // topic ..." for each of these.
        let invalid = [
            "notjson",
            "+1",
            ".5",
            "1e",
            "0x10",
            "-",
            "1.5.3",
            "1-2",
            "[1-2]",
            "[1,]",
            "{\"a\":1,}",
            "{a:1}",
            "{'a':1}",
            "nullx",
            "nul",
            "True",
            "1 2",
            "[1",
            "[1,2",
            "[1]]",
            "{}}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\" 1}",
            "{1:2}",
            "\"abc",
            "\"a\\",
            "\"x\"y\"",
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u00""#,
            r#""\u12"#,
            r#""\U0041""#,
            "\u{1}[1]\u{7f}",
            " ",
            "\n",
            "{\"a\":1} x",
        ];
        for payload in invalid {
            assert!(!is_json(payload.as_bytes()), "{payload:?}");
        }
        // measured: a NUL anywhere, and (ours) invalid UTF-8
        for payload in [&b"\x00"[..], b"[1]\x00", b"\"\xff\""] {
            assert!(!is_json(payload), "{payload:?}");
        }
        // measured: cJSON nests 1000 levels, not 1001
        let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(is_json(nest(1000).as_bytes()));
        assert!(!is_json(nest(1001).as_bytes()));
        let nest = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert!(is_json(nest(1000).as_bytes()));
        assert!(!is_json(nest(1001).as_bytes()));
        assert!(is_json(b""));
    }

    #[test]
    fn deviation_json_embedded_fallback() {
        // mosquitto_sub -F 'a%Jb' prints "ab" and an error on stderr for a payload that is not
        // JSON (measured); ours embeds it as a string, as %j does.
        let m = msg("t/abc", b"notjson");
        assert_eq!(render("a%Jb", &m), format!("a{}b", render("%j", &m)));
        let t = Template::parse("a%Jb").unwrap();
        assert!(t.embeds_json());
        assert!(!Template::parse("%j").unwrap().embeds_json());
    }

    #[test]
    fn pretty() {
        // measured: --pretty -F 'a%jb%Jc', QoS 1, subscription identifier 3, user properties
        // k=v k2=v2, content type a/b
        let props = PublishProperties {
            subscription_identifiers: vec![3],
            user_properties: vec![("k".into(), "v".into()), ("k2".into(), "v2".into())],
            content_type: Some("a/b".into()),
            ..Default::default()
        };
        let m = Received {
            retain: false,
            ..msg_q(1, br#"{"a":[1,{"b":{}}],"c":[],"d":{"e":"f"}}"#, &props)
        };
        let head = "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
                    \n\t\"qos\":\t1,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t39,\n\t\"mid\":\t7,\
                    \n\t\"properties\":\t{\n\t\t\"subscription-identifier\":\t3,\
                    \n\t\t\"user-properties\":\t{\n\t\t\t\"k\":\t\"v\",\n\t\t\t\"k2\":\t\"v2\"\n\t\t},\
                    \n\t\t\"content-type\":\t\"a/b\"\n\t},\n\t\"payload\":\t";
        let expected = format!(
            "a{head}\"{{\\\"a\\\":[1,{{\\\"b\\\":{{}}}}],\\\"c\\\":[],\\\"d\\\":{{\\\"e\\\":\\\"f\\\"}}}}\"\n}}\
             b{head}{{\n\t\t\"a\":\t[1, {{\n\t\t\t\t\"b\":\t{{\n\t\t\t\t}}\n\t\t\t}}],\n\t\t\"c\":\t[],\
             \n\t\t\"d\":\t{{\n\t\t\t\"e\":\t\"f\"\n\t\t}}\n\t}}\n}}c"
        );
        assert_eq!(render_pretty("a%jb%Jc", &m), expected);
        // measured: --pretty -F %J, payload [[1,2],[3],{},[{}]]
        assert_eq!(
            render_pretty("%J", &msg("t/abc", b"[[1,2],[3],{},[{}]]")),
            "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
             \n\t\"qos\":\t0,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t19,\
             \n\t\"payload\":\t[[1, 2], [3], {\n\t\t}, [{\n\t\t\t}]]\n}"
        );
        // measured: --pretty -F %J, empty payload
        assert_eq!(
            render_pretty("%J", &msg("t/abc", b"")),
            "{\n\t\"tst\":\t\"2016-08-10T08:49:03.786368Z+0000\",\n\t\"topic\":\t\"t/abc\",\
             \n\t\"qos\":\t0,\n\t\"retain\":\t0,\n\t\"payloadlen\":\t0,\n\t\"payload\":\tnull\n}"
        );
        // --pretty changes nothing else
        assert_eq!(render_pretty("%t %p", &msg("t/abc", b"x")), "t/abc x");
    }

    const ALL_TIME: &str = "@a|@A|@b|@B|@c|@C|@d|@D|@e|@F|@g|@G|@h|@H|@I|@j|@k|@l|@m|@M|@n|@p|\
                            @P|@r|@R|@s|@S|@t|@T|@u|@U|@V|@w|@W|@x|@X|@y|@Y|@z|@Z|@%|@@|@N";

    #[test]
    fn time_specifiers() {
        // measured: -F ALL_TIME at 1470818943.786368637
        assert_eq!(
            render(ALL_TIME, &msg("t/abc", b"hello")),
            "Wed|Wednesday|Aug|August|Wed Aug 10 08:49:03 2016|20|10|08/10/16|10|2016-08-10|16|\
             2016|Aug|08|08|223| 8| 8|08|49|\n|AM|am|08:49:03 AM|08:49|1470818943|03|\t|08:49:03|\
             3|32|32|3|32|08/10/16|08:49:03|16|2016|+0000|UTC|%|@|786368637"
        );
        // measured: -F "ALL_TIME|%I|%U|%j" with the clock at each of these times
        let cases: &[(u64, u32, &str)] = &[
            (
                1_609_459_200,
                5,
                "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2021|20|01|01/01/21| 1|2021-01-01|20|\
                 2020|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|1609459200|00|\t|\
                 00:00:00|5|00|53|5|00|01/01/21|00:00:00|21|2021|+0000|UTC|%|@|000000005|\
                 2021-01-01T00:00:00+0000|1609459200.000000005|2021-01-01T00:00:00.000000Z+0000",
            ),
            (
                1_451_779_200,
                0,
                "Sun|Sunday|Jan|January|Sun Jan  3 00:00:00 2016|20|03|01/03/16| 3|2016-01-03|15|\
                 2015|Jan|00|12|003| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|1451779200|00|\t|\
                 00:00:00|7|01|53|0|00|01/03/16|00:00:00|16|2016|+0000|UTC|%|@|000000000|\
                 2016-01-03T00:00:00+0000|1451779200.000000000|2016-01-03T00:00:00.000000Z+0000",
            ),
            (
                1_546_258_380,
                999_999_999,
                "Mon|Monday|Dec|December|Mon Dec 31 12:13:00 2018|20|31|12/31/18|31|2018-12-31|19|\
                 2019|Dec|12|12|365|12|12|12|13|\n|PM|pm|12:13:00 PM|12:13|1546258380|00|\t|\
                 12:13:00|1|52|01|1|53|12/31/18|12:13:00|18|2018|+0000|UTC|%|@|999999999|\
                 2018-12-31T12:13:00+0000|1546258380.999999999|2018-12-31T12:13:00.999999Z+0000",
            ),
            (
                946_684_799,
                1,
                "Fri|Friday|Dec|December|Fri Dec 31 23:59:59 1999|19|31|12/31/99|31|1999-12-31|99|\
                 1999|Dec|23|11|365|23|11|12|59|\n|PM|pm|11:59:59 PM|23:59|946684799|59|\t|\
                 23:59:59|5|52|52|5|52|12/31/99|23:59:59|99|1999|+0000|UTC|%|@|000000001|\
                 1999-12-31T23:59:59+0000|946684799.000000001|1999-12-31T23:59:59.000000Z+0000",
            ),
            (
                0,
                0,
                "Thu|Thursday|Jan|January|Thu Jan  1 00:00:00 1970|19|01|01/01/70| 1|1970-01-01|70|\
                 1970|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|0|00|\t|00:00:00|4|00|01|\
                 4|00|01/01/70|00:00:00|70|1970|+0000|UTC|%|@|000000000|1970-01-01T00:00:00+0000|\
                 0.000000000|1970-01-01T00:00:00.000000Z+0000",
            ),
            (
                1_735_689_599,
                0,
                "Tue|Tuesday|Dec|December|Tue Dec 31 23:59:59 2024|20|31|12/31/24|31|2024-12-31|25|\
                 2025|Dec|23|11|366|23|11|12|59|\n|PM|pm|11:59:59 PM|23:59|1735689599|59|\t|\
                 23:59:59|2|52|01|2|53|12/31/24|23:59:59|24|2024|+0000|UTC|%|@|000000000|\
                 2024-12-31T23:59:59+0000|1735689599.000000000|2024-12-31T23:59:59.000000Z+0000",
            ),
            (
                4_102_444_800,
                0,
                "Fri|Friday|Jan|January|Fri Jan  1 00:00:00 2100|21|01|01/01/00| 1|2100-01-01|99|\
                 2099|Jan|00|12|001| 0|12|01|00|\n|AM|am|12:00:00 AM|00:00|4102444800|00|\t|\
                 00:00:00|5|00|53|5|00|01/01/00|00:00:00|00|2100|+0000|UTC|%|@|000000000|\
                 2100-01-01T00:00:00+0000|4102444800.000000000|2100-01-01T00:00:00.000000Z+0000",
            ),
            (
                951_782_400,
                0,
                "Tue|Tuesday|Feb|February|Tue Feb 29 00:00:00 2000|20|29|02/29/00|29|2000-02-29|00|\
                 2000|Feb|00|12|060| 0|12|02|00|\n|AM|am|12:00:00 AM|00:00|951782400|00|\t|\
                 00:00:00|2|09|09|2|09|02/29/00|00:00:00|00|2000|+0000|UTC|%|@|000000000|\
                 2000-02-29T00:00:00+0000|951782400.000000000|2000-02-29T00:00:00.000000Z+0000",
            ),
        ];
        for (secs, nanos, expected) in cases {
            let m = Received {
                received_at: UNIX_EPOCH + Duration::new(*secs, *nanos),
                ..msg("t/abc", b"hello")
            };
            let out = render(&format!("{ALL_TIME}|%I|%U|%j"), &m);
            // The %j of the measurement, cut to its tst.
            let tst = out
                .split("{\"tst\":\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let out = format!("{}|{tst}", out.split("|{").next().unwrap());
            assert_eq!(out, *expected, "{secs}.{nanos}");
        }
    }

    #[test]
    fn time_before_the_epoch() {
        // measured: clock at tv_sec -1, tv_nsec 5 (0.999999995 s before the epoch), -F
        // '%I|%U|@N|@s|%j'
        let m = Received {
            received_at: UNIX_EPOCH - Duration::new(0, 999_999_995),
            ..msg("t/abc", b"x")
        };
        assert_eq!(
            render("%I|%U|@N|@s|@c|%j", &m),
            r#"1969-12-31T23:59:59+0000|-1.000000005|000000005|-1|Wed Dec 31 23:59:59 1969|{"tst":"1969-12-31T23:59:59.000000Z+0000","topic":"t/abc","qos":0,"retain":0,"payloadlen":1,"payload":"x"}"#
        );
    }

    #[test]
    fn time_shape_matches_a_live_clock() {
        // measured (real clock): %I is 24 characters, %U seconds, a dot and 9 digits, and
        // the tst of %j 32 characters ending in Z+0000
        let m = Received {
            received_at: SystemTime::now(),
            ..msg("t/abc", b"x")
        };
        let out = render("%I|%U|%j", &m);
        let mut parts = out.splitn(3, '|');
        assert_eq!(parts.next().unwrap().len(), 24);
        let unix = parts.next().unwrap();
        assert_eq!(unix.split_once('.').unwrap().1.len(), 9);
        let tst = &parts.next().unwrap()[8..40];
        assert!(
            tst.ends_with("Z+0000") && tst.as_bytes()[19] == b'.',
            "{tst}"
        );
    }

    #[test]
    fn parse_errors() {
        use TemplateError as E;
        // measured: mosquitto_sub rejects each of these at start-up ("Invalid format specifier
        // 'z'.", "Incomplete format specifier.", "Invalid escape specifier 'q'.", "Incomplete
        // escape specifier.")
        let cases = [
            (
                "ab%z",
                E::InvalidSpecifier {
                    spec: "%z".into(),
                    pos: 3,
                },
            ),
            (
                "%0-8p",
                E::InvalidSpecifier {
                    spec: "%0-".into(),
                    pos: 1,
                },
            ),
            (
                "%--8p",
                E::InvalidSpecifier {
                    spec: "%--".into(),
                    pos: 1,
                },
            ),
            (
                "%8.3.2p",
                E::InvalidSpecifier {
                    spec: "%8.3.".into(),
                    pos: 1,
                },
            ),
            (
                "%.-3p",
                E::InvalidSpecifier {
                    spec: "%.-".into(),
                    pos: 1,
                },
            ),
            (
                "% p",
                E::InvalidSpecifier {
                    spec: "% ".into(),
                    pos: 1,
                },
            ),
            (
                "%+p",
                E::InvalidSpecifier {
                    spec: "%+".into(),
                    pos: 1,
                },
            ),
            (
                "é%é",
                E::InvalidSpecifier {
                    spec: "%é".into(),
                    pos: 2,
                },
            ),
            (
                "x%",
                E::IncompleteSpecifier {
                    spec: "%".into(),
                    pos: 2,
                },
            ),
            (
                "%-05",
                E::IncompleteSpecifier {
                    spec: "%-05".into(),
                    pos: 1,
                },
            ),
            (
                r"\q",
                E::InvalidEscape {
                    spec: r"\q".into(),
                    pos: 1,
                },
            ),
            ("a\\", E::IncompleteEscape { pos: 2 }),
            ("%t@", E::IncompleteTimeSpecifier { pos: 3 }),
            // Stricter than mosquitto_sub, which prints these back (measured "%Q", "%E",
            // "   %5Y" for @5Y, "%é"):
            (
                "@Q",
                E::InvalidTimeSpecifier {
                    spec: "@Q".into(),
                    pos: 1,
                },
            ),
            (
                "@E",
                E::InvalidTimeSpecifier {
                    spec: "@E".into(),
                    pos: 1,
                },
            ),
            (
                "@5Y",
                E::InvalidTimeSpecifier {
                    spec: "@5".into(),
                    pos: 1,
                },
            ),
            (
                "@é",
                E::InvalidTimeSpecifier {
                    spec: "@é".into(),
                    pos: 1,
                },
            ),
            (
                "%123456p",
                E::WidthTooLarge {
                    spec: "%123456".into(),
                    pos: 1,
                },
            ),
        ];
        for (template, expected) in cases {
            assert_eq!(
                Template::parse(template).unwrap_err(),
                expected,
                "{template}"
            );
        }
        assert_eq!(
            Template::parse("ab%z").unwrap_err().to_string(),
            "invalid format specifier '%z' at position 3"
        );
        assert_eq!(
            Template::parse("x%").unwrap_err().to_string(),
            "incomplete format specifier '%' at position 2 (write %% for a literal %)"
        );
        assert_eq!(
            Template::parse("@Q").unwrap_err().to_string(),
            "invalid time specifier '@Q' at position 1 (write @@ for a literal @)"
        );
        assert_eq!(
            Template::parse(r"\q").unwrap_err().to_string(),
            r"invalid escape '\q' at position 1 (write \\ for a literal \)"
        );
        assert!(Template::parse("%65535p%.65535t").is_ok());
    }

    fn plain(m: &Received, verbose: bool) -> (bool, Vec<u8>) {
        let mut out = Vec::new();
        let wrote = write_plain(m, verbose, &mut out).unwrap();
        (wrote, out)
    }

    #[test]
    fn plain_output() {
        // measured (mosquitto broker): mosquitto_sub without -F, then with -v; output minus
        // the newline, and whether there was a line at all
        assert_eq!(
            plain(&msg("t/abc", b"hello"), false),
            (true, b"hello".to_vec())
        );
        assert_eq!(
            plain(&msg("t/abc", b"hello"), true),
            (true, b"t/abc hello".to_vec())
        );
        // measured: mosquitto_pub -n: nothing at all without -v (no newline either)...
        assert_eq!(plain(&msg("t/abc", b""), false), (false, Vec::new()));
        // ... and "t/abc (null)" with -v
        assert_eq!(
            plain(&msg("t/abc", b""), true),
            (true, b"t/abc (null)".to_vec())
        );
        // measured: payload ff 0a 00 is written as is
        assert_eq!(
            plain(&msg("t/abc", b"\xff\n\x00"), true),
            (true, b"t/abc \xff\n\x00".to_vec())
        );
        assert_eq!(
            plain(&msg("t/abc", b"\xff\n\x00"), false),
            (true, b"\xff\n\x00".to_vec())
        );
    }

    fn json_line(m: &Received) -> String {
        let mut out = Vec::new();
        write_json(m, &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(!line.contains('\n'));
        serde_json::from_str::<serde_json::Value>(&line).unwrap();
        line
    }

    #[test]
    fn json_lines() {
        assert_eq!(
            json_line(&msg("t/abc", b"hello")),
            r#"{"topic":"t/abc","payload":"hello","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
        );
        assert_eq!(
            json_line(&msg("t/abc", b"")),
            r#"{"topic":"t/abc","payload":"","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
        );
        assert_eq!(
            json_line(&msg("t/\"x\"", b"\xff\x00\x01")),
            r#"{"topic":"t/\"x\"","payload":"/wAB","encoding":"base64","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z"}"#
        );
        let props = all_props();
        assert_eq!(
            json_line(&msg_q(1, JSON_PAYLOAD, &props)),
            r#"{"topic":"t/abc","payload":"{\"x\":[1,2.50,\"y\"]}","qos":1,"retain":true,"mid":7,"received_at":"2016-08-10T08:49:03.786368Z","properties":{"payload_format_indicator":1,"message_expiry_interval":3600,"response_topic":"resp/t","correlation_data":"corr","user_properties":[["k","v"],["k2","v2"]],"subscription_identifiers":[42],"content_type":"text/plain"}}"#
        );
        let props = PublishProperties {
            topic_alias: Some(5),
            correlation_data: Some(vec![0xde, 0xad, 0xbe, 0xef]),
            ..Default::default()
        };
        assert_eq!(
            json_line(&msg_q(2, b"\n", &props)),
            r#"{"topic":"t/abc","payload":"\n","qos":2,"retain":true,"mid":7,"received_at":"2016-08-10T08:49:03.786368Z","properties":{"topic_alias":5,"correlation_data":"3q2+7w==","correlation_data_encoding":"base64"}}"#
        );
        let none = PublishProperties::default();
        let m = Received {
            properties: Some(&none),
            ..msg("t/abc", b"x")
        };
        assert_eq!(
            json_line(&m),
            r#"{"topic":"t/abc","payload":"x","qos":0,"retain":false,"received_at":"2016-08-10T08:49:03.786368Z","properties":{}}"#
        );
    }

    /// A writer that counts its `write` calls.
    struct Counting(Vec<u8>, usize);

    impl Write for Counting {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.1 += 1;
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_write_per_record() {
        let mut out = Counting(Vec::new(), 0);
        Template::parse("%t %p %j @Y")
            .unwrap()
            .write(&msg("t/abc", b"x"), &mut out)
            .unwrap();
        assert_eq!(out.1, 1);
    }
}

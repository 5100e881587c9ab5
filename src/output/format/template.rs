//! The `-F` template language of mosquitto_sub: parsed once into items, then written for each
//! message.

use std::io::{self, Write};

use super::cjson::print_json;
use super::json_object::mosquitto_json;
use super::printf::{pad_int, pad_opt_int, pad_payload, pad_str, Spec};
use super::time::Moment;
use super::Received;

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

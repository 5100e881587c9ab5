//! printf-style padding of `-F` fields, as mosquitto_sub pads them: flags, width and
//! precision, and how strings, numbers and payloads take them.

/// Flags, width and precision of a `%` specifier (`%-010.5t`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Spec {
    /// `-`: pad on the right.
    pub(super) left: bool,
    /// `0`: pad numbers (and payloads) with zeros.
    pub(super) zero: bool,
    /// 0 when not given.
    pub(super) width: usize,
    pub(super) precision: Option<usize>,
}

pub(super) fn pad(buf: &mut Vec<u8>, byte: u8, n: usize) {
    buf.resize(buf.len() + n, byte);
}

/// printf `%*.*s`: the precision cuts, the width pads with spaces (`0` ignored).
pub(super) fn pad_str(buf: &mut Vec<u8>, s: &[u8], spec: Spec) {
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
pub(super) fn pad_int(buf: &mut Vec<u8>, n: u64, spec: Spec) {
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
pub(super) fn pad_opt_int(buf: &mut Vec<u8>, n: Option<u64>, spec: Spec) {
    match n {
        Some(n) => pad_int(buf, n, spec),
        None => pad(buf, if spec.zero { b'0' } else { b' ' }, spec.width),
    }
}

/// `%p` (`hex` None), `%x` (Some(false)), `%X` (Some(true)): a width is also the most shown.
pub(super) fn pad_payload(buf: &mut Vec<u8>, payload: &[u8], spec: Spec, hex: Option<bool>) {
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

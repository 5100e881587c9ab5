//! How a payload is shown: JSON compactly on one line (or pretty over several), other UTF-8
//! text as it is, anything else as hex.

/// What a payload is, for showing.
pub fn one_line(payload: &[u8]) -> String {
    if payload.is_empty() {
        return "(empty)".to_owned();
    }
    if let Some(v) = json(payload) {
        return v.to_string();
    }
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
            text.replace(['\n', '\r', '\t'], " ")
        }
        _ => hex(payload),
    }
}

/// The payload over several lines: pretty JSON, text split at its line breaks, or hex.
pub fn pretty(payload: &[u8]) -> Vec<String> {
    if let Some(v) = json(payload) {
        if v.is_object() || v.is_array() {
            if let Ok(text) = serde_json::to_string_pretty(&v) {
                return text.lines().map(str::to_owned).collect();
            }
        }
    }
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
            text.lines().map(|l| l.replace('\t', "    ")).collect()
        }
        _ => vec![hex(payload)],
    }
}

fn json(payload: &[u8]) -> Option<serde_json::Value> {
    let first = payload.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[' | b'"') {
        return None;
    }
    serde_json::from_slice(payload).ok()
}

/// Lower-case hex, a space every byte: `de ad be ef`.
pub fn hex(payload: &[u8]) -> String {
    let mut out = String::with_capacity(payload.len() * 3);
    for (i, b) in payload.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_compacted_text_kept_binary_in_hex() {
        assert_eq!(
            one_line(b"{ \"a\" : 1,\n \"b\": [1, 2] }"),
            r#"{"a":1,"b":[1,2]}"#
        );
        assert_eq!(one_line(b"21.5"), "21.5");
        assert_eq!(one_line("h\u{e9}llo".as_bytes()), "h\u{e9}llo");
        assert_eq!(one_line(b"two\nlines"), "two lines");
        assert_eq!(one_line(&[0xde, 0xad, 0x00, 0x01]), "de ad 00 01");
        assert_eq!(one_line(b"a\x00b"), "61 00 62", "a NUL is binary");
        assert_eq!(one_line(b""), "(empty)");
        assert_eq!(one_line(b"{not json"), "{not json");
    }

    #[test]
    fn pretty_json_spans_lines() {
        assert_eq!(pretty(br#"{"a":1}"#), ["{", "  \"a\": 1", "}"]);
        assert_eq!(pretty(b"x\ny"), ["x", "y"]);
        assert_eq!(pretty(&[0xff]), ["ff"]);
    }
}

//! How a payload is shown: JSON compactly on one line (or pretty over several), keys in
//! the order sent and numbers as written; other UTF-8 text as it is; anything else as hex.

/// What a payload is, for showing.
pub fn one_line(payload: &[u8]) -> String {
    if payload.is_empty() {
        return "(empty)".to_owned();
    }
    if let Some(text) = json(payload) {
        return minify(text);
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
    if let Some(text) = json(payload) {
        return indent(&minify(text));
    }
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
            text.lines().map(|l| l.replace('\t', "    ")).collect()
        }
        _ => vec![hex(payload)],
    }
}

/// The payload as text when it is a JSON object, array or string.
fn json(payload: &[u8]) -> Option<&str> {
    let first = payload.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(first, b'{' | b'[' | b'"') {
        return None;
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(payload).ok()?;
    std::str::from_utf8(payload).ok()
}

/// Valid JSON without the whitespace between its tokens.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Minified JSON over several lines, two spaces a level.
fn indent(json: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = json.chars().peekable();
    let newline = |lines: &mut Vec<String>, line: &mut String, depth: usize| {
        lines.push(std::mem::take(line));
        line.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            line.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                line.push(c);
            }
            '{' | '[' => {
                line.push(c);
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    line.push(chars.next().unwrap_or(']'));
                } else {
                    depth += 1;
                    newline(&mut lines, &mut line, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut lines, &mut line, depth);
                line.push(c);
            }
            ',' => {
                line.push(c);
                newline(&mut lines, &mut line, depth);
            }
            ':' => line.push_str(": "),
            _ => line.push(c),
        }
    }
    lines.push(line);
    lines
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
        assert_eq!(
            one_line(br#"{ "z" : 1.50, "a": [], "s": "x \" y" }"#),
            r#"{"z":1.50,"a":[],"s":"x \" y"}"#,
            "keys in the order sent, numbers as written, strings untouched"
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
        assert_eq!(
            pretty(br#"{"b":1,"a":{}}"#),
            ["{", "  \"b\": 1,", "  \"a\": {}", "}"]
        );
        assert_eq!(
            pretty(br#"{"l":[1,{"x":"a,b"}]}"#),
            [
                "{",
                "  \"l\": [",
                "    1,",
                "    {",
                "      \"x\": \"a,b\"",
                "    }",
                "  ]",
                "}"
            ]
        );
        assert_eq!(pretty(b"x\ny"), ["x", "y"]);
        assert_eq!(pretty(&[0xff]), ["ff"]);
    }
}

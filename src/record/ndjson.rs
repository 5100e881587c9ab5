//! NDJSON recordings: one [`Record`] a line, written to a file or stdout and read back with
//! line numbers.

use std::io::{self, BufRead, Write};

use anyhow::{Context, Result};

use super::schema::Record;
use super::source::Item;

/// Writes records as lines to a buffered output; [`flush`](NdjsonWriter::flush) writes out
/// what is buffered.
pub struct NdjsonWriter {
    out: io::BufWriter<Box<dyn Write>>,
    name: String,
}

impl NdjsonWriter {
    /// A writer to `out`, called `name` in errors ("stdout", the file's path).
    pub fn new(out: Box<dyn Write>, name: String) -> NdjsonWriter {
        NdjsonWriter {
            out: io::BufWriter::with_capacity(64 * 1024, out),
            name,
        }
    }

    /// Appends one line.
    pub fn write(&mut self, record: &Record) -> Result<()> {
        record
            .write_json(&mut self.out)
            .and_then(|()| self.out.write_all(b"\n"))
            .with_context(|| format!("writing to {}", self.name))
    }

    /// Writes out the buffer.
    pub fn flush(&mut self) -> Result<()> {
        self.out
            .flush()
            .with_context(|| format!("writing to {}", self.name))
    }
}

/// Reads `input` line by line, calling `each` with every record (or the reason a line is
/// not one) and its line number, until `each` returns false. Empty lines are skipped.
pub fn read(input: impl BufRead, each: &mut dyn FnMut(Item) -> bool) -> Result<()> {
    let mut input = input;
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).context("reading")? == 0 {
            return Ok(());
        }
        number += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let item = Item {
            place: format!("line {number}"),
            record: Record::parse_json(text),
        };
        if !each(item) {
            return Ok(());
        }
    }
}

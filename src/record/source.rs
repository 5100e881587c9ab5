//! Where `replay` reads a recording: an NDJSON file, stdin (`-`), or an SQLite database
//! written by `record --db` (told apart by the SQLite file header).

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::schema::Record;
use super::{ndjson, sqlite};

/// One entry of a recording: a record, or why it is not one, with where it is.
pub struct Item {
    /// "line 12" (NDJSON) or "row 12" (SQLite).
    pub place: String,
    /// The record, or what is wrong with it.
    pub record: Result<Record, String>,
}

/// A recording to read.
#[derive(Debug, Clone)]
pub enum Source {
    /// Standard input (NDJSON), readable once.
    Stdin,
    /// An NDJSON file.
    Ndjson(PathBuf),
    /// An SQLite database.
    Sqlite(PathBuf),
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl Source {
    /// `-` for stdin, else the file at `path`, whose first bytes tell its kind.
    pub fn open(path: &str) -> Result<Source> {
        if path == "-" {
            return Ok(Source::Stdin);
        }
        let path = PathBuf::from(path);
        let mut head = [0u8; 16];
        let mut file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let n = read_up_to(&mut file, &mut head)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(if n == head.len() && &head == SQLITE_HEADER {
            Source::Sqlite(path)
        } else {
            Source::Ndjson(path)
        })
    }

    /// Whether it can be read more than once (for `--loop`).
    pub fn rereadable(&self) -> bool {
        !matches!(self, Source::Stdin)
    }

    /// The name for messages.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::Ndjson(p) | Source::Sqlite(p) => p.display().to_string(),
        }
    }

    /// Reads every entry in order, calling `each` until it returns false.
    pub fn read(&self, each: &mut dyn FnMut(Item) -> bool) -> Result<()> {
        let name = self.name();
        match self {
            Source::Stdin => ndjson::read(io::stdin().lock(), each),
            Source::Ndjson(path) => ndjson::read(io::BufReader::new(open(path)?), each),
            Source::Sqlite(path) => sqlite::read(path, each),
        }
        .with_context(|| format!("reading {name}"))
    }
}

fn open(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

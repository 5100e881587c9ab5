//! SQLite recordings (`record --db`): one row a message in table `messages`, indexed by
//! receive time and by topic, written in batched transactions; and reading them back for
//! `replay`. The columns are in docs/record.md.

use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use bytes::Bytes;
use rusqlite::{params, Connection};

use super::schema::Record;
use super::source::Item;
use crate::conn::PublishProperties;

/// Rows written in one transaction at most; the recorder also commits whenever it has
/// nothing to do.
const BATCH: usize = 1000;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    received_us INTEGER NOT NULL,
    offset_us INTEGER NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    mid INTEGER,
    mqtt5 INTEGER NOT NULL,
    payload_format_indicator INTEGER,
    message_expiry_interval INTEGER,
    topic_alias INTEGER,
    response_topic TEXT,
    correlation_data BLOB,
    user_properties TEXT,
    subscription_identifiers TEXT,
    content_type TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (received_us);
CREATE INDEX IF NOT EXISTS messages_by_topic ON messages (topic, received_us);
";

const COLUMNS: &str = "received_at, received_us, offset_us, topic, payload, qos, retain, mid, \
     mqtt5, payload_format_indicator, message_expiry_interval, topic_alias, response_topic, \
     correlation_data, user_properties, subscription_identifiers, content_type";

/// Appends records to a database, [`BATCH`] a transaction at most.
pub struct SqliteWriter {
    db: Connection,
    name: String,
    pending: usize,
}

impl SqliteWriter {
    /// Opens (or creates) the database at `path` and its table.
    pub fn open(path: &Path) -> Result<SqliteWriter> {
        let name = path.display().to_string();
        let db = Connection::open(path).with_context(|| format!("--db {name}: cannot open"))?;
        db.execute_batch(SCHEMA)
            .with_context(|| format!("--db {name}: cannot create the messages table"))?;
        Ok(SqliteWriter {
            db,
            name,
            pending: 0,
        })
    }

    /// Inserts one row (committed by the next [`commit`](SqliteWriter::commit) at the latest).
    pub fn write(&mut self, r: &Record) -> Result<()> {
        self.insert(r)
            .with_context(|| format!("writing to --db {}", self.name))?;
        if self.pending >= BATCH {
            self.commit()?;
        }
        Ok(())
    }

    fn insert(&mut self, r: &Record) -> rusqlite::Result<()> {
        if self.pending == 0 {
            self.db.execute_batch("BEGIN")?;
        }
        let p = r.properties.as_ref();
        let json = |v: serde_json::Value| v.to_string();
        let mut stmt = self.db.prepare_cached(&format!(
            "INSERT INTO messages ({COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ))?;
        stmt.execute(params![
            humantime::format_rfc3339_micros(r.received_at).to_string(),
            super::schema::micros_between(SystemTime::UNIX_EPOCH, r.received_at) as i64,
            r.offset_us.unwrap_or(0) as i64,
            r.topic,
            r.payload.as_ref(),
            r.qos,
            r.retain,
            r.mid,
            p.is_some(),
            p.and_then(|p| p.payload_format_indicator),
            p.and_then(|p| p.message_expiry_interval),
            p.and_then(|p| p.topic_alias),
            p.and_then(|p| p.response_topic.as_deref()),
            p.and_then(|p| p.correlation_data.as_deref()),
            p.filter(|p| !p.user_properties.is_empty())
                .map(|p| json(serde_json::json!(p.user_properties))),
            p.filter(|p| !p.subscription_identifiers.is_empty())
                .map(|p| json(serde_json::json!(p.subscription_identifiers))),
            p.and_then(|p| p.content_type.as_deref()),
        ])?;
        self.pending += 1;
        Ok(())
    }

    /// Commits the open transaction, if any.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending > 0 {
            self.db
                .execute_batch("COMMIT")
                .with_context(|| format!("writing to --db {}", self.name))?;
            self.pending = 0;
        }
        Ok(())
    }
}

/// Reads the rows of `path` in insertion order, calling `each` until it returns false.
pub fn read(path: &Path, each: &mut dyn FnMut(Item) -> bool) -> Result<()> {
    let db = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .context("cannot open the database")?;
    let mut stmt = db
        .prepare(&format!("SELECT id, {COLUMNS} FROM messages ORDER BY id"))
        .context("not a recording (no messages table of record --db)")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let item = Item {
            place: format!("row {id}"),
            record: from_row(row).map_err(|e| e.to_string()),
        };
        if !each(item) {
            break;
        }
    }
    Ok(())
}

fn from_row(row: &rusqlite::Row) -> Result<Record> {
    let received_us: i64 = row.get(2)?;
    let offset_us: i64 = row.get(3)?;
    let payload: Vec<u8> = row.get(5)?;
    let qos: u8 = row.get(6)?;
    anyhow::ensure!(qos <= 2, "qos {qos} is not 0, 1 or 2");
    let properties = if row.get::<_, bool>(9)? {
        let list = |i: usize| -> Result<Option<String>> { Ok(row.get(i)?) };
        Some(PublishProperties {
            payload_format_indicator: row.get(10)?,
            message_expiry_interval: row.get(11)?,
            topic_alias: row.get(12)?,
            response_topic: row.get(13)?,
            correlation_data: row.get(14)?,
            user_properties: match list(15)? {
                Some(text) => serde_json::from_str(&text).context("user_properties")?,
                None => Vec::new(),
            },
            subscription_identifiers: match list(16)? {
                Some(text) => serde_json::from_str(&text).context("subscription_identifiers")?,
                None => Vec::new(),
            },
            content_type: row.get(17)?,
        })
    } else {
        None
    };
    Ok(Record {
        topic: row.get(4)?,
        payload: Bytes::from(payload),
        qos,
        retain: row.get(7)?,
        mid: row.get(8)?,
        received_at: SystemTime::UNIX_EPOCH + Duration::from_micros(received_us.max(0) as u64),
        offset_us: Some(offset_us.max(0) as u64),
        properties,
    })
}

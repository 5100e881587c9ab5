//! The SQLite store behind persistence: its schema, applying journaled changes, committing
//! them, and reading everything back at start-up.
//!
//! SQLite (through rusqlite, already the crate `record --db` uses, with SQLite bundled) gives
//! transactions that survive a killed process, a write-ahead log whose commit is one
//! sequential write, an exclusive lock so that two brokers cannot share a store, and a file
//! users can inspect with `sqlite3`: all things a file format written here would have to
//! get right on its own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rusqlite::{params, Connection, ErrorCode};
use tokio::sync::oneshot;
use tracing::{debug, error};

use super::super::packet::{ClientId, Delivery, Message, QoS, Will, NEVER_EXPIRES};
use super::super::router::Options;
use super::super::session::{Inflight, InflightState};
use super::codec::{self, now_ms};
use super::{Change, Durability, Snapshot, StoredSession};

/// The layout version, in SQLite's `user_version`.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sessions (
    client_id TEXT PRIMARY KEY,
    username TEXT,
    expiry INTEGER NOT NULL,
    offline_at INTEGER
);
CREATE TABLE IF NOT EXISTS subscriptions (
    client_id TEXT NOT NULL,
    filter TEXT NOT NULL,
    qos INTEGER NOT NULL,
    no_local INTEGER NOT NULL,
    retain_as_published INTEGER NOT NULL,
    subscription_id INTEGER,
    PRIMARY KEY (client_id, filter)
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    message_qos INTEGER NOT NULL,
    message_retain INTEGER NOT NULL,
    properties TEXT,
    expires_at INTEGER,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    subscription_ids TEXT,
    pkid INTEGER,
    state INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_by_client ON deliveries (client_id);
CREATE TABLE IF NOT EXISTS incoming_qos2 (
    client_id TEXT NOT NULL,
    pkid INTEGER NOT NULL,
    PRIMARY KEY (client_id, pkid)
);
CREATE TABLE IF NOT EXISTS retained (
    topic TEXT PRIMARY KEY,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    properties TEXT,
    expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS wills (
    client_id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    retain INTEGER NOT NULL,
    properties TEXT,
    expiry_interval INTEGER,
    due_at INTEGER NOT NULL
);
";

/// Changes applied in one go before the writer looks at the clock again.
const BATCH: usize = 4096;

/// Why the store cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another broker holds the store.
    #[error("{0}: the store is in use by another broker (it holds the lock); stop that broker or give this one another --persistence directory")]
    Locked(PathBuf),
    /// The file is not a store, or is damaged.
    #[error("{0}: the store is damaged or not an mqttkit store ({1}); move the file aside to start with an empty store, or try `sqlite3 {0} .recover` to salvage it")]
    Corrupt(PathBuf, String),
    /// A store written by a newer mqttkit.
    #[error("{0}: the store has layout version {1}, this mqttkit reads version {SCHEMA_VERSION}; use the mqttkit that wrote it, or move the file aside")]
    Version(PathBuf, i64),
    /// The file cannot be opened, read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, String),
    /// The writer stopped after a failure it logged.
    #[error("the persistence store stopped after a write failure (see the log)")]
    Stopped,
}

/// An open store: the connection, and what to name it in errors.
pub struct Store {
    db: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the store at `path` and takes its lock.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let fail = |e: rusqlite::Error| classify(path, e);
        let db = Connection::open(path).map_err(fail)?;
        // The lock is held from the first write until the broker stops: a second broker
        // on the same file is refused at once, not left waiting.
        db.busy_timeout(Duration::ZERO).map_err(fail)?;
        db.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(fail)?;
        let version: i64 = db
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Version(path.to_owned(), version));
        }
        db.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        db.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(fail)?;
        let check: String = db
            .pragma_query_value(None, "quick_check", |r| r.get(0))
            .map_err(fail)?;
        if check != "ok" {
            return Err(StoreError::Corrupt(path.to_owned(), check));
        }
        db.execute_batch(SCHEMA).map_err(fail)?;
        db.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(fail)?;
        Ok(Store {
            db,
            path: path.to_owned(),
        })
    }

    /// Reads everything back, dropping what expired while the broker was down; also returns
    /// the highest delivery sequence number in use.
    pub fn load(&mut self) -> Result<(Snapshot, u64), StoreError> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| classify(&path, e);
        let bad = |what: String| StoreError::Corrupt(path.clone(), what);
        self.db
            .execute_batch(
                // Sessions that were not persistent (expiry 0), and everything of sessions
                // the store no longer has, go first.
                "BEGIN;
                 DELETE FROM sessions WHERE expiry = 0;
                 DELETE FROM subscriptions WHERE client_id NOT IN (SELECT client_id FROM sessions);
                 DELETE FROM deliveries WHERE client_id NOT IN (SELECT client_id FROM sessions);
                 DELETE FROM incoming_qos2 WHERE client_id NOT IN (SELECT client_id FROM sessions);
                 DELETE FROM wills WHERE client_id NOT IN (SELECT client_id FROM sessions);
                 COMMIT;",
            )
            .map_err(fail)?;
        let now = now_ms();
        let mut snapshot = Snapshot::default();
        let mut sessions: HashMap<String, StoredSession> = HashMap::new();
        {
            let mut q = self
                .db
                .prepare("SELECT client_id, username, expiry, offline_at FROM sessions")
                .map_err(fail)?;
            let rows = q
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                    ))
                })
                .map_err(fail)?;
            for row in rows {
                let (id, username, expiry, offline_at) = row.map_err(fail)?;
                let expiry =
                    u32::try_from(expiry).map_err(|_| bad(format!("session expiry {expiry}")))?;
                // A session that was online when the broker stopped went offline then; the
                // moment is not known, so its interval starts now (it is kept longer, never
                // shorter).
                let expires_in = (expiry != NEVER_EXPIRES).then(|| match offline_at {
                    Some(at) => codec::seconds_until(at.saturating_add(i64::from(expiry) * 1000)),
                    None => expiry,
                });
                let client_id: ClientId = Arc::from(id.as_str());
                sessions.insert(
                    id,
                    StoredSession {
                        client_id,
                        username: username.map(Arc::from),
                        expires_in,
                        subscriptions: Vec::new(),
                        queued: Vec::new(),
                        inflight: Vec::new(),
                        incoming_qos2: Vec::new(),
                        will: None,
                    },
                );
            }
        }
        self.load_subscriptions(&mut sessions)?;
        let last_seq = self.load_deliveries(&mut sessions, now)?;
        {
            let mut q = self
                .db
                .prepare("SELECT client_id, pkid FROM incoming_qos2")
                .map_err(fail)?;
            let rows = q
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u16>(1)?)))
                .map_err(fail)?;
            for row in rows {
                let (id, pkid) = row.map_err(fail)?;
                if let Some(s) = sessions.get_mut(&id) {
                    s.incoming_qos2.push(pkid);
                }
            }
        }
        self.load_wills(&mut sessions)?;
        snapshot.retained = self.load_retained(now)?;
        snapshot.sessions = sessions.into_values().collect();
        Ok((snapshot, last_seq))
    }

    fn load_subscriptions(
        &self,
        sessions: &mut HashMap<String, StoredSession>,
    ) -> Result<(), StoreError> {
        let fail = |e: rusqlite::Error| classify(&self.path, e);
        let mut q = self
            .db
            .prepare(
                "SELECT client_id, filter, qos, no_local, retain_as_published, subscription_id
                 FROM subscriptions",
            )
            .map_err(fail)?;
        let rows = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u8>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, Option<u32>>(5)?,
                ))
            })
            .map_err(fail)?;
        for row in rows {
            let (id, filter, qos, no_local, retain_as_published, sub_id) = row.map_err(fail)?;
            let options = Options {
                qos: self.qos(qos)?,
                no_local,
                retain_as_published,
                id: sub_id,
            };
            if let Some(s) = sessions.get_mut(&id) {
                s.subscriptions.push((filter, options));
            }
        }
        Ok(())
    }

    fn load_deliveries(
        &self,
        sessions: &mut HashMap<String, StoredSession>,
        now: i64,
    ) -> Result<u64, StoreError> {
        let fail = |e: rusqlite::Error| classify(&self.path, e);
        let mut q = self
            .db
            .prepare(
                "SELECT seq, client_id, topic, payload, message_qos, message_retain, properties,
                        expires_at, qos, retain, subscription_ids, pkid, state
                 FROM deliveries ORDER BY seq",
            )
            .map_err(fail)?;
        let mut rows = q.query([]).map_err(fail)?;
        let mut last_seq = 0u64;
        while let Some(r) = rows.next().map_err(fail)? {
            let seq = r.get::<_, i64>(0).map_err(fail)? as u64;
            last_seq = last_seq.max(seq);
            let id: String = r.get(1).map_err(fail)?;
            let expires_at: Option<i64> = r.get(7).map_err(fail)?;
            let pkid: Option<u16> = r.get(11).map_err(fail)?;
            // A message that expired while it waited is not delivered [MQTT-3.3.2-5]; one
            // already sent is owed again whatever its expiry.
            if pkid.is_none() && expires_at.is_some_and(|at| at <= now) {
                continue;
            }
            let Some(session) = sessions.get_mut(&id) else {
                continue;
            };
            let message = self.message(
                r.get(2).map_err(fail)?,
                r.get(3).map_err(fail)?,
                r.get(4).map_err(fail)?,
                r.get(5).map_err(fail)?,
                r.get(6).map_err(fail)?,
                expires_at,
            )?;
            let ids: Option<String> = r.get(10).map_err(fail)?;
            let delivery = Delivery {
                message,
                qos: self.qos(r.get(8).map_err(fail)?)?,
                retain: r.get(9).map_err(fail)?,
                subscription_ids: match ids {
                    Some(text) => codec::ids_from_text(&text).map_err(|e| self.corrupt(e))?,
                    None => Vec::new(),
                },
                seq,
            };
            match pkid {
                None => session.queued.push(delivery),
                Some(pkid) => {
                    let state = match r.get::<_, Option<u8>>(12).map_err(fail)? {
                        Some(1) => InflightState::AwaitPubAck,
                        Some(2) => InflightState::AwaitPubRec,
                        Some(3) => InflightState::AwaitPubComp,
                        other => return Err(self.corrupt(format!("delivery state {other:?}"))),
                    };
                    session.inflight.push(Inflight {
                        pkid,
                        delivery,
                        state,
                    });
                }
            }
        }
        Ok(last_seq)
    }

    fn load_wills(&self, sessions: &mut HashMap<String, StoredSession>) -> Result<(), StoreError> {
        let fail = |e: rusqlite::Error| classify(&self.path, e);
        let mut q = self
            .db
            .prepare(
                "SELECT client_id, topic, payload, qos, retain, properties, expiry_interval, due_at
                 FROM wills",
            )
            .map_err(fail)?;
        let mut rows = q.query([]).map_err(fail)?;
        while let Some(r) = rows.next().map_err(fail)? {
            let id: String = r.get(0).map_err(fail)?;
            let Some(session) = sessions.get_mut(&id) else {
                continue;
            };
            let message = self.message(
                r.get(1).map_err(fail)?,
                r.get(2).map_err(fail)?,
                r.get(3).map_err(fail)?,
                r.get(4).map_err(fail)?,
                r.get(5).map_err(fail)?,
                None,
            )?;
            let due_at: i64 = r.get(7).map_err(fail)?;
            let will = Will {
                message,
                delay: codec::seconds_until(due_at),
                expiry_interval: r.get(6).map_err(fail)?,
            };
            let left = will.delay;
            session.will = Some((Box::new(will), left));
        }
        Ok(())
    }

    fn load_retained(&self, now: i64) -> Result<Vec<Message>, StoreError> {
        let fail = |e: rusqlite::Error| classify(&self.path, e);
        let mut q = self
            .db
            .prepare("SELECT topic, payload, qos, properties, expires_at FROM retained")
            .map_err(fail)?;
        let mut rows = q.query([]).map_err(fail)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(fail)? {
            let expires_at: Option<i64> = r.get(4).map_err(fail)?;
            if expires_at.is_some_and(|at| at <= now) {
                continue;
            }
            out.push(self.message(
                r.get(0).map_err(fail)?,
                r.get(1).map_err(fail)?,
                r.get(2).map_err(fail)?,
                true,
                r.get(3).map_err(fail)?,
                expires_at,
            )?);
        }
        Ok(out)
    }

    fn message(
        &self,
        topic: String,
        payload: Vec<u8>,
        qos: u8,
        retain: bool,
        properties: Option<String>,
        expires_at: Option<i64>,
    ) -> Result<Message, StoreError> {
        let properties = match properties {
            Some(text) => Some(Arc::new(
                codec::properties_from_text(&text).map_err(|e| self.corrupt(e))?,
            )),
            None => None,
        };
        Ok(Message {
            topic: topic.into(),
            payload: Bytes::from(payload),
            qos: self.qos(qos)?,
            retain,
            properties,
            expiry: codec::ms_to_expiry(expires_at),
            origin: None,
        })
    }

    fn qos(&self, value: u8) -> Result<QoS, StoreError> {
        QoS::from_u8(value).ok_or_else(|| self.corrupt(format!("QoS {value}")))
    }

    fn corrupt(&self, what: String) -> StoreError {
        StoreError::Corrupt(self.path.clone(), what)
    }

    /// The writer: applies journaled changes in order and commits them as `durability`
    /// says, until the journal closes.
    pub fn run(self, journal: Receiver<Change>, durability: Durability) {
        let synchronous = match durability {
            Durability::Sync => "FULL",
            Durability::Autosave(_) => "NORMAL",
        };
        if let Err(e) = self.db.pragma_update(None, "synchronous", synchronous) {
            error!("{}: {e}", self.path.display());
        }
        let mut writer = Writer {
            store: self,
            open_since: None,
            waiters: Vec::new(),
            failed: false,
        };
        loop {
            let wait = match (durability, writer.open_since) {
                (Durability::Autosave(every), Some(since)) => every.saturating_sub(since.elapsed()),
                _ => Duration::from_secs(3600),
            };
            let first = match journal.recv_timeout(wait) {
                Ok(change) => Some(change),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => {
                    writer.commit();
                    return;
                }
            };
            let mut close = None;
            let mut next = first;
            let mut applied = 0;
            while let Some(change) = next.take() {
                match change {
                    Change::Close(done) => {
                        close = Some(done);
                        break;
                    }
                    change => writer.apply(change),
                }
                applied += 1;
                if applied < BATCH {
                    next = journal.try_recv().ok();
                }
            }
            let due = close.is_some()
                || match durability {
                    // Group commit: whatever arrived while the last commit ran goes in this one.
                    Durability::Sync => applied < BATCH,
                    Durability::Autosave(every) => {
                        !writer.waiters.is_empty()
                            || writer.open_since.is_some_and(|t| t.elapsed() >= every)
                    }
                };
            if due {
                writer.commit();
            }
            if let Some(done) = close {
                writer.checkpoint();
                let _ = done.send(());
                return;
            }
        }
    }
}

/// The writer's state between commits.
struct Writer {
    store: Store,
    /// When the open transaction began.
    open_since: Option<Instant>,
    /// Waiting for the open transaction's commit.
    waiters: Vec<oneshot::Sender<()>>,
    /// A change of the open transaction failed: it is rolled back, and its waiters are told.
    failed: bool,
}

impl Writer {
    fn apply(&mut self, change: Change) {
        if let Change::Sync(waiter) = change {
            self.waiters.push(waiter);
            return;
        }
        if self.open_since.is_none() {
            if let Err(e) = self.store.db.execute_batch("BEGIN") {
                self.fail(&e);
                return;
            }
            self.open_since = Some(Instant::now());
        }
        if self.failed {
            return;
        }
        if let Err(e) = apply(&self.store.db, change) {
            self.fail(&e);
        }
    }

    fn fail(&mut self, e: &rusqlite::Error) {
        if !self.failed {
            error!(
                "{}: cannot write the persistence store: {e}; the changes since the last commit are not stored",
                self.store.path.display()
            );
        }
        self.failed = true;
    }

    fn commit(&mut self) {
        if self.open_since.take().is_none() {
            for waiter in self.waiters.drain(..) {
                let _ = waiter.send(());
            }
            return;
        }
        let sql = if self.failed { "ROLLBACK" } else { "COMMIT" };
        let result = self.store.db.execute_batch(sql);
        if let Err(e) = &result {
            self.fail(e);
            let _ = self.store.db.execute_batch("ROLLBACK");
        }
        // Waiters of a failed transaction are dropped unanswered: their acknowledgements are
        // not sent.
        let ok = !self.failed;
        for waiter in self.waiters.drain(..) {
            if ok {
                let _ = waiter.send(());
            }
        }
        if self.failed {
            debug!("{}: transaction rolled back", self.store.path.display());
        }
        self.failed = false;
    }

    fn checkpoint(&mut self) {
        if let Err(e) = self
            .store
            .db
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        {
            error!("{}: {e}", self.store.path.display());
        }
    }
}

/// Applies one change inside the open transaction.
fn apply(db: &Connection, change: Change) -> rusqlite::Result<()> {
    match change {
        Change::SessionUp {
            client,
            expiry,
            username,
        } => {
            db.prepare_cached(
                "INSERT INTO sessions (client_id, username, expiry, offline_at) VALUES (?1, ?2, ?3, NULL)
                 ON CONFLICT (client_id) DO UPDATE SET username = ?2, expiry = ?3, offline_at = NULL",
            )?
            .execute(params![&*client, username.as_deref(), expiry])?;
            db.prepare_cached("DELETE FROM wills WHERE client_id = ?1")?
                .execute([&*client])?;
        }
        Change::SessionDown {
            client,
            expiry,
            will,
        } => {
            db.prepare_cached(
                "UPDATE sessions SET expiry = ?2, offline_at = ?3 WHERE client_id = ?1",
            )?
            .execute(params![&*client, expiry, now_ms()])?;
            if let Some(will) = will {
                let m = &will.message;
                db.prepare_cached(
                    "INSERT OR REPLACE INTO wills
                     (client_id, topic, payload, qos, retain, properties, expiry_interval, due_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    &*client,
                    &*m.topic,
                    &m.payload[..],
                    m.qos as u8,
                    m.retain,
                    codec::properties_to_text(m.properties.as_deref()),
                    will.expiry_interval,
                    now_ms().saturating_add(i64::from(will.delay) * 1000),
                ])?;
            }
        }
        Change::SessionEnd { client } => {
            for table in [
                "sessions",
                "subscriptions",
                "deliveries",
                "incoming_qos2",
                "wills",
            ] {
                db.prepare_cached(&format!("DELETE FROM {table} WHERE client_id = ?1"))?
                    .execute([&*client])?;
            }
        }
        Change::WillGone { client } => {
            db.prepare_cached("DELETE FROM wills WHERE client_id = ?1")?
                .execute([&*client])?;
        }
        Change::Subscribe {
            client,
            filter,
            options,
        } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO subscriptions
                 (client_id, filter, qos, no_local, retain_as_published, subscription_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                &*client,
                filter,
                options.qos as u8,
                options.no_local,
                options.retain_as_published,
                options.id,
            ])?;
        }
        Change::Unsubscribe { client, filter } => {
            db.prepare_cached("DELETE FROM subscriptions WHERE client_id = ?1 AND filter = ?2")?
                .execute(params![&*client, filter])?;
        }
        Change::Enqueue { client, delivery } => {
            let m = &delivery.message;
            db.prepare_cached(
                "INSERT OR REPLACE INTO deliveries
                 (seq, client_id, topic, payload, message_qos, message_retain, properties,
                  expires_at, qos, retain, subscription_ids, pkid, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, NULL)",
            )?
            .execute(params![
                delivery.seq as i64,
                &*client,
                &*m.topic,
                &m.payload[..],
                m.qos as u8,
                m.retain,
                codec::properties_to_text(m.properties.as_deref()),
                codec::expiry_to_ms(m.expiry),
                delivery.qos as u8,
                delivery.retain,
                codec::ids_to_text(&delivery.subscription_ids),
            ])?;
        }
        Change::Sent { seq, pkid, state } => {
            let state = match state {
                InflightState::AwaitPubAck => 1u8,
                InflightState::AwaitPubRec => 2,
                InflightState::AwaitPubComp => 3,
            };
            db.prepare_cached("UPDATE deliveries SET pkid = ?2, state = ?3 WHERE seq = ?1")?
                .execute(params![seq as i64, pkid, state])?;
        }
        Change::Done { seq } => {
            db.prepare_cached("DELETE FROM deliveries WHERE seq = ?1")?
                .execute([seq as i64])?;
        }
        Change::Qos2Received { client, pkid } => {
            db.prepare_cached(
                "INSERT OR IGNORE INTO incoming_qos2 (client_id, pkid) VALUES (?1, ?2)",
            )?
            .execute(params![&*client, pkid])?;
        }
        Change::Qos2Released { client, pkid } => {
            db.prepare_cached("DELETE FROM incoming_qos2 WHERE client_id = ?1 AND pkid = ?2")?
                .execute(params![&*client, pkid])?;
        }
        Change::Retain { message: m } => {
            db.prepare_cached(
                "INSERT OR REPLACE INTO retained (topic, payload, qos, properties, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                &*m.topic,
                &m.payload[..],
                m.qos as u8,
                codec::properties_to_text(m.properties.as_deref()),
                codec::expiry_to_ms(m.expiry),
            ])?;
        }
        Change::Unretain { topic } => {
            db.prepare_cached("DELETE FROM retained WHERE topic = ?1")?
                .execute([&*topic])?;
        }
        Change::Sync(_) | Change::Close(_) => {}
    }
    Ok(())
}

/// The error for a failure of SQLite on the store at `path`.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Locked(path.to_owned())
        }
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt(path.to_owned(), e.to_string())
        }
        _ => StoreError::Io(path.to_owned(), e.to_string()),
    }
}

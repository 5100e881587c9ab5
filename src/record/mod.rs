//! Recording traffic (`mqttkit record`) and playing it back (`mqttkit replay`).
//!
//! A recording is NDJSON (the schema of `sub --json` plus `offset_us`, docs/record.md) or an
//! SQLite table; both hold [`Record`]s. One module a job: `schema` (the record and its JSON
//! line), `ndjson` and `sqlite` (the two formats), `source` (opening a recording to read),
//! `recorder` (the `record` loop), `remap` (`--remap FROM=TO`, shared with `bridge`), `schedule` (when each message is due on replay) and
//! `replayer` (the `replay` loop and its summary). Nothing here prints; the commands do.

pub mod ndjson;
pub mod recorder;
pub mod remap;
pub mod replayer;
pub mod schedule;
pub mod schema;
pub mod source;
pub mod sqlite;

pub use schema::Record;

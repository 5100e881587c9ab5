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
//!   not keep it, so they come in a fixed order (see `json_object::mosquitto_properties`).
//!
//! One module a job: `writers` (the default output and `--json`), `template` (the `-F`
//! language), `printf` (its padding), `json_object` (the object of `%j`), `cjson` (JSON as
//! cJSON parses and prints it) and `time` (the calendar and strftime, in UTC).

mod cjson;
mod json_object;
mod printf;
mod template;
mod time;
mod writers;

use std::time::SystemTime;

pub use cjson::is_json;
pub use template::{Template, TemplateError};
pub use time::iso8601_millis;
pub use writers::{write_json, write_json_line, write_plain};

use crate::conn::PublishProperties;

/// A message as received, with everything the formats may show.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// Topic name.
    pub topic: &'a str,
    /// Payload.
    pub payload: &'a [u8],
    /// QoS it was delivered at.
    pub qos: u8,
    /// Retain flag.
    pub retain: bool,
    /// Packet id, 0 at QoS 0.
    pub mid: u16,
    /// When it arrived.
    pub received_at: SystemTime,
    /// Some only for MQTT 5.
    pub properties: Option<&'a PublishProperties>,
}

#[cfg(test)]
mod tests;

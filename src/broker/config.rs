//! mosquitto's configuration file (`mosquitto.conf`): the directives a test or a small
//! deployment uses, read into a [`ConfigFile`] for `mqttkit broker -c FILE`.
//!
//! One directive per line, `# comments` and blank lines skipped. `listener PORT [ADDR]` opens a
//! listener; `protocol`, `certfile`, `keyfile`, `cafile`, `capath`, `require_certificate` and
//! `use_identity_as_username` apply to the listener opened last. Everything else is
//! broker-wide. `include_dir DIR` reads the `*.conf` files in DIR, in name order, where it
//! stands. A directive this broker does not implement is an error
//! naming the file, line and directive; leniently, a warning, and the line is skipped. Nothing
//! is silently ignored.
//!
//! Parsing is pure: files are read through the [`Files`] the caller gives.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

/// Where a directive stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// A configuration error, naming the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {what}")]
pub struct ConfigError {
    /// Where.
    pub location: Location,
    /// What is wrong.
    pub what: String,
}

/// What a listener's connections speak under TLS (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// MQTT over TCP.
    #[default]
    Mqtt,
    /// MQTT over WebSocket.
    WebSockets,
}

/// One `listener` and the directives that apply to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerConfig {
    /// The port (0: a free one).
    pub port: u16,
    /// The address to bind; none: every IPv4 interface (`0.0.0.0`), as mosquitto.
    pub address: IpAddr,
    /// `protocol`.
    pub protocol: Protocol,
    /// `certfile`: turns TLS on, with `keyfile`.
    pub certfile: Option<PathBuf>,
    /// `keyfile`.
    pub keyfile: Option<PathBuf>,
    /// `cafile`.
    pub cafile: Option<PathBuf>,
    /// `capath`.
    pub capath: Option<PathBuf>,
    /// `require_certificate`.
    pub require_certificate: bool,
    /// `use_identity_as_username`.
    pub use_identity_as_username: bool,
    /// Where its `listener` line stands.
    pub at: Location,
}

/// The directives of a configuration file, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFile {
    /// The listeners, in file order.
    pub listeners: Vec<ListenerConfig>,
    /// `allow_anonymous`.
    pub allow_anonymous: Option<bool>,
    /// `password_file`.
    pub password_file: Option<PathBuf>,
    /// `acl_file`.
    pub acl_file: Option<PathBuf>,
    /// `max_queued_messages` (0: no limit).
    pub max_queued_messages: Option<u32>,
    /// `max_inflight_messages` (0: no limit).
    pub max_inflight_messages: Option<u16>,
    /// `message_size_limit`: largest PUBLISH payload (0: no limit).
    pub message_size_limit: Option<u32>,
    /// `max_packet_size` (0: no limit).
    pub max_packet_size: Option<u32>,
    /// `max_keepalive`.
    pub max_keepalive: Option<u16>,
    /// `max_connections` (-1 or 0: no limit).
    pub max_connections: Option<usize>,
    /// `sys_interval`, in seconds (0: off).
    pub sys_interval: Option<u64>,
    /// `persistence`.
    pub persistence: Option<bool>,
    /// `persistence_location`: the store's directory.
    pub persistence_location: Option<PathBuf>,
    /// `persistence_file`: the store's file name.
    pub persistence_file: Option<PathBuf>,
    /// `autosave_interval`, in seconds (0: only at shutdown).
    pub autosave_interval: Option<u64>,
    /// The `-v` level `log_type` lines add up to.
    pub verbosity: Option<u8>,
    /// Lines skipped under `lenient`, and other things the user should know.
    pub warnings: Vec<String>,
}

/// How the parser reads files.
pub trait Files {
    /// The text of a file.
    fn read(&self, path: &Path) -> io::Result<String>;
    /// The entries of a directory.
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
}

/// The real file system.
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.path()))
            .collect()
    }
}

/// The directives that apply to the listener opened last.
const LISTENER_DIRECTIVES: [&str; 7] = [
    "protocol",
    "certfile",
    "keyfile",
    "cafile",
    "capath",
    "require_certificate",
    "use_identity_as_username",
];

/// Reads the configuration file at `path` (and what it includes). `lenient`: a directive
/// this broker does not implement is a warning, not an error.
pub fn load(path: &Path, lenient: bool, files: &dyn Files) -> Result<ConfigFile, ConfigError> {
    let mut parser = Parser {
        files,
        lenient,
        config: ConfigFile::default(),
        depth: 0,
    };
    let text = files.read(path).map_err(|e| ConfigError {
        location: Location {
            file: path.to_path_buf(),
            line: 0,
        },
        what: format!("cannot read it: {e}"),
    })?;
    parser.parse(&text, path)?;
    Ok(parser.config)
}

struct Parser<'a> {
    files: &'a dyn Files,
    lenient: bool,
    config: ConfigFile,
    depth: usize,
}

impl Parser<'_> {
    fn parse(&mut self, text: &str, file: &Path) -> Result<(), ConfigError> {
        for (i, raw) in text.lines().enumerate() {
            let at = Location {
                file: file.to_path_buf(),
                line: i + 1,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (directive, value) = match line.split_once(char::is_whitespace) {
                Some((d, v)) => (d, v.trim()),
                None => (line, ""),
            };
            self.directive(directive, value, &at)
                .map_err(|what| ConfigError {
                    location: at.clone(),
                    what,
                })?;
        }
        Ok(())
    }

    fn directive(&mut self, directive: &str, value: &str, at: &Location) -> Result<(), String> {
        let config = &mut self.config;
        if LISTENER_DIRECTIVES.contains(&directive) {
            let Some(listener) = config.listeners.last_mut() else {
                return Err(format!(
                    "`{directive}` applies to a listener: put it after a `listener PORT` line"
                ));
            };
            return listener_directive(listener, directive, value);
        }
        match directive {
            "listener" => {
                let mut words = value.split_whitespace();
                let port = words
                    .next()
                    .ok_or("`listener` needs a port")?
                    .parse::<u16>()
                    .map_err(|_| format!("`listener {value}`: the port is not 0-65535"))?;
                let address = match words.next() {
                    None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                    Some("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    Some(addr) => addr.parse().map_err(|_| {
                        format!("`listener {value}`: {addr:?} is not an IP address (interface names are not supported)")
                    })?,
                };
                if words.next().is_some() {
                    return Err(format!("`listener {value}`: expected PORT [ADDRESS]"));
                }
                config.listeners.push(ListenerConfig {
                    port,
                    address,
                    protocol: Protocol::Mqtt,
                    certfile: None,
                    keyfile: None,
                    cafile: None,
                    capath: None,
                    require_certificate: false,
                    use_identity_as_username: false,
                    at: at.clone(),
                });
            }
            "allow_anonymous" => config.allow_anonymous = Some(boolean(directive, value)?),
            "password_file" => config.password_file = Some(path(directive, value)?),
            "acl_file" => config.acl_file = Some(path(directive, value)?),
            "max_queued_messages" => config.max_queued_messages = Some(number(directive, value)?),
            "max_inflight_messages" => {
                config.max_inflight_messages = Some(number(directive, value)?)
            }
            "message_size_limit" => config.message_size_limit = Some(number(directive, value)?),
            "max_packet_size" => config.max_packet_size = Some(number(directive, value)?),
            "max_keepalive" => config.max_keepalive = Some(number(directive, value)?),
            "max_connections" => {
                let n: i64 = number(directive, value)?;
                config.max_connections = Some(usize::try_from(n.max(0)).unwrap_or(usize::MAX));
            }
            "sys_interval" => config.sys_interval = Some(number(directive, value)?),
            "persistence" => config.persistence = Some(boolean(directive, value)?),
            "persistence_location" => {
                config.persistence_location = Some(path(directive, value)?)
            }
            "persistence_file" => config.persistence_file = Some(path(directive, value)?),
            "autosave_interval" => config.autosave_interval = Some(number(directive, value)?),
            "per_listener_settings" => {
                if boolean(directive, value)? {
                    return self.unimplemented(
                        "per_listener_settings true",
                        at,
                        "authentication and ACLs are broker-wide here",
                    );
                }
            }
            "log_type" => {
                let level = match value {
                    "none" | "error" | "warning" => 0,
                    "notice" | "information" | "subscribe" | "unsubscribe" | "websockets" => 1,
                    "debug" | "all" => 2,
                    other => return Err(format!("`log_type {other}`: unknown log type")),
                };
                config.verbosity = Some(config.verbosity.unwrap_or(0).max(level));
            }
            "log_dest" => match value.split_whitespace().next().unwrap_or("") {
                "stderr" => {}
                "stdout" => config.warnings.push(format!(
                    "{at}: log_dest stdout: the log goes to stderr (stdout carries the listening lines)"
                )),
                "none" => config.verbosity = Some(0),
                _ => return self.unimplemented(&format!("log_dest {value}"), at, "the log goes to stderr"),
            },
            "include_dir" => return self.include(Path::new(value), at),
            other => return self.unimplemented(other, at, "not a directive mqttkit reads"),
        }
        Ok(())
    }

    fn unimplemented(&mut self, what: &str, at: &Location, why: &str) -> Result<(), String> {
        let text = format!("`{what}` is not implemented by mqttkit broker ({why})");
        if self.lenient {
            self.config
                .warnings
                .push(format!("{at}: {text}; skipped (--lenient)"));
            Ok(())
        } else {
            Err(format!("{text}; --lenient skips it with a warning"))
        }
    }

    fn include(&mut self, dir: &Path, _at: &Location) -> Result<(), String> {
        if dir.as_os_str().is_empty() {
            return Err("`include_dir` needs a directory".into());
        }
        if self.depth >= 8 {
            return Err("include_dir nested more than 8 deep".into());
        }
        let mut entries = self
            .files
            .list(dir)
            .map_err(|e| format!("include_dir {}: {e}", dir.display()))?;
        entries.retain(|p| p.extension().is_some_and(|e| e == "conf"));
        entries.sort();
        self.depth += 1;
        for file in entries {
            let text = self
                .files
                .read(&file)
                .map_err(|e| format!("include_dir: cannot read {}: {e}", file.display()))?;
            // An error inside names the included file and its line.
            if let Err(e) = self.parse(&text, &file) {
                self.depth -= 1;
                return Err(format!("in the included file: {e}"));
            }
        }
        self.depth -= 1;
        Ok(())
    }
}

fn listener_directive(
    listener: &mut ListenerConfig,
    directive: &str,
    value: &str,
) -> Result<(), String> {
    match directive {
        "protocol" => {
            listener.protocol = match value {
                "mqtt" => Protocol::Mqtt,
                "websockets" => Protocol::WebSockets,
                other => return Err(format!("`protocol {other}`: expected mqtt or websockets")),
            }
        }
        "certfile" => listener.certfile = Some(path(directive, value)?),
        "keyfile" => listener.keyfile = Some(path(directive, value)?),
        "cafile" => listener.cafile = Some(path(directive, value)?),
        "capath" => listener.capath = Some(path(directive, value)?),
        "require_certificate" => listener.require_certificate = boolean(directive, value)?,
        "use_identity_as_username" => {
            listener.use_identity_as_username = boolean(directive, value)?
        }
        _ => unreachable!("LISTENER_DIRECTIVES lists these"),
    }
    Ok(())
}

fn boolean(directive: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("`{directive} {other}`: expected true or false")),
    }
}

fn number<T: std::str::FromStr>(directive: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| {
        format!(
            "`{directive} {value}`: expected a whole number in the range of {}",
            std::any::type_name::<T>()
        )
    })
}

fn path(directive: &str, value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        return Err(format!("`{directive}` needs a path"));
    }
    Ok(PathBuf::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Files in memory.
    struct Memory(HashMap<PathBuf, String>);

    impl Files for Memory {
        fn read(&self, path: &Path) -> io::Result<String> {
            self.0
                .get(path)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        }

        fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
            let found: Vec<PathBuf> = self
                .0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .cloned()
                .collect();
            if found.is_empty() {
                return Err(io::Error::from(io::ErrorKind::NotFound));
            }
            Ok(found)
        }
    }

    fn files(entries: &[(&str, &str)]) -> Memory {
        Memory(
            entries
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
        )
    }

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        load(Path::new("m.conf"), false, &files(&[("m.conf", text)]))
    }

    #[test]
    fn every_directive_is_read() {
        let c = parse(
            "# comment\n\
             allow_anonymous false\npassword_file /p\nacl_file /a\n\
             max_queued_messages 5\nmax_inflight_messages 7\nmessage_size_limit 100\n\
             max_packet_size 2000\nmax_keepalive 30\nmax_connections -1\nsys_interval 0\n\
             per_listener_settings false\nlog_type warning\nlog_type information\nlog_dest stderr\n\
             listener 1883 127.0.0.1\n\
             listener 8883\nprotocol mqtt\ncertfile c.pem\nkeyfile k.pem\ncafile ca.pem\n\
             capath cas\nrequire_certificate true\nuse_identity_as_username true\n\
             listener 9001 ::1\nprotocol websockets\n",
        )
        .unwrap();
        assert_eq!(c.allow_anonymous, Some(false));
        assert_eq!(c.password_file.as_deref(), Some(Path::new("/p")));
        assert_eq!(c.acl_file.as_deref(), Some(Path::new("/a")));
        assert_eq!(c.max_queued_messages, Some(5));
        assert_eq!(c.max_inflight_messages, Some(7));
        assert_eq!(c.message_size_limit, Some(100));
        assert_eq!(c.max_packet_size, Some(2000));
        assert_eq!(c.max_keepalive, Some(30));
        assert_eq!(c.max_connections, Some(0));
        assert_eq!(c.sys_interval, Some(0));
        assert_eq!(c.verbosity, Some(1));
        assert_eq!(c.listeners.len(), 3);
        let [plain, tls, ws] = &c.listeners[..] else {
            unreachable!()
        };
        assert_eq!(
            (plain.port, plain.address.to_string().as_str()),
            (1883, "127.0.0.1")
        );
        assert_eq!(plain.certfile, None);
        assert_eq!(
            (tls.port, tls.address.to_string().as_str()),
            (8883, "0.0.0.0")
        );
        assert_eq!(tls.certfile.as_deref(), Some(Path::new("c.pem")));
        assert_eq!(tls.keyfile.as_deref(), Some(Path::new("k.pem")));
        assert_eq!(tls.cafile.as_deref(), Some(Path::new("ca.pem")));
        assert_eq!(tls.capath.as_deref(), Some(Path::new("cas")));
        assert!(tls.require_certificate && tls.use_identity_as_username);
        assert_eq!(tls.at.line, 17);
        assert_eq!((ws.port, ws.protocol), (9001, Protocol::WebSockets));
        assert_eq!(ws.address.to_string(), "::1");
    }

    #[test]
    fn persistence_directives_are_read() {
        let c = parse(
            "persistence true\npersistence_location /var/lib/mq/\npersistence_file s.db\nautosave_interval 30\n",
        )
        .unwrap();
        assert_eq!(c.persistence, Some(true));
        assert_eq!(
            c.persistence_location.as_deref(),
            Some(Path::new("/var/lib/mq/"))
        );
        assert_eq!(c.persistence_file.as_deref(), Some(Path::new("s.db")));
        assert_eq!(c.autosave_interval, Some(30));
        assert!(parse("persistence maybe\n").is_err());
    }

    #[test]
    fn unimplemented_directives_name_file_line_and_directive() {
        for (text, what) in [
            (
                "listener 1\nautosave_on_changes true\n",
                "`autosave_on_changes`",
            ),
            (
                "persistent_client_expiration 1d\n",
                "`persistent_client_expiration`",
            ),
            (
                "bridge_protocol_version mqttv311\n",
                "`bridge_protocol_version`",
            ),
            (
                "per_listener_settings true\n",
                "`per_listener_settings true`",
            ),
            ("log_dest file /tmp/x\n", "`log_dest file /tmp/x`"),
        ] {
            let err = parse(text).unwrap_err();
            let line = text.lines().count();
            assert_eq!(err.location.to_string(), format!("m.conf:{line}"), "{text}");
            assert!(err.what.contains(what), "{err}");
            assert!(err.what.contains("not implemented"), "{err}");
            assert!(err.what.contains("--lenient"), "{err}");
        }
    }

    #[test]
    fn lenient_warns_and_goes_on() {
        let fs = files(&[(
            "m.conf",
            "autosave_on_changes true\nlistener 1883\nconnection_messages true\n",
        )]);
        let c = load(Path::new("m.conf"), true, &fs).unwrap();
        assert_eq!(c.listeners.len(), 1);
        assert_eq!(c.warnings.len(), 2);
        assert!(
            c.warnings[0].starts_with("m.conf:1: `autosave_on_changes`"),
            "{:?}",
            c.warnings
        );
        assert!(c.warnings[1].starts_with("m.conf:3:"), "{:?}", c.warnings);
    }

    #[test]
    fn bad_values_name_their_line() {
        for (text, what) in [
            ("allow_anonymous yes\n", "expected true or false"),
            ("listener\n", "needs a port"),
            ("listener 70000\n", "not 0-65535"),
            ("listener 1 eth0\n", "not an IP address"),
            ("certfile x.pem\n", "after a `listener PORT` line"),
            ("listener 1\nprotocol http\n", "expected mqtt or websockets"),
            ("max_keepalive lots\n", "whole number"),
            ("log_type loud\n", "unknown log type"),
            ("password_file\n", "needs a path"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.location.line, text.lines().count(), "{text}");
            assert!(err.what.contains(what), "{text}: {err}");
        }
    }

    #[test]
    fn include_dir_reads_conf_files_in_name_order_where_it_stands() {
        let fs = files(&[
            (
                "m.conf",
                "listener 1\ninclude_dir conf.d\nmax_keepalive 9\n",
            ),
            ("conf.d/b.conf", "max_keepalive 2\ncertfile b.pem\n"),
            ("conf.d/a.conf", "max_keepalive 1\nmax_queued_messages 3\n"),
            ("conf.d/notes.txt", "this is not read\n"),
        ]);
        let c = load(Path::new("m.conf"), false, &fs).unwrap();
        assert_eq!(c.max_keepalive, Some(9), "the line after include_dir wins");
        assert_eq!(c.max_queued_messages, Some(3));
        assert_eq!(
            c.listeners[0].certfile.as_deref(),
            Some(Path::new("b.pem")),
            "an included file continues the current listener"
        );
        let fs = files(&[
            ("m.conf", "include_dir conf.d\n"),
            ("conf.d/a.conf", "\nbogus 1\n"),
        ]);
        let err = load(Path::new("m.conf"), false, &fs).unwrap_err();
        assert!(err.to_string().contains("conf.d/a.conf:2"), "{err}");
        assert!(err.to_string().contains("`bogus`"), "{err}");
    }

    #[test]
    fn log_types_map_onto_verbosity() {
        assert_eq!(parse("log_type error\n").unwrap().verbosity, Some(0));
        assert_eq!(parse("log_type notice\n").unwrap().verbosity, Some(1));
        assert_eq!(
            parse("log_type all\nlog_type error\n").unwrap().verbosity,
            Some(2)
        );
        assert_eq!(
            parse("log_type debug\nlog_dest none\n").unwrap().verbosity,
            Some(0)
        );
        assert_eq!(parse("listener 1\n").unwrap().verbosity, None);
    }
}

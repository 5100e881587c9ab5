//! `mqttkit broker`: run the bundled broker, or manage its password file.

use std::io::{self, BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use tokio::net::TcpListener;
use tracing::warn;

use std::sync::Arc;

use crate::broker::config::{self, ConfigFile, ListenerConfig, Protocol};
use crate::broker::{
    self, AccessFiles, AuthConfig, BrokerConfig, Faults, Listener, PasswordFile, Tls, TlsFiles,
    Transport,
};
use crate::cli::{BrokerAction, BrokerArgs, BrokerRunArgs, PasswdArgs};
use crate::error::{usage, Error};
use crate::output;

/// Runs `mqttkit broker …`.
pub fn run(args: BrokerArgs) -> Result<()> {
    match args.action {
        Some(BrokerAction::Passwd(passwd_args)) => passwd(passwd_args),
        None => serve(args.run),
    }
}

/// The largest packet MQTT can carry.
const MAX_PACKET: u32 = 268_435_455;

/// Turns the flags, and the configuration file's settings under them (`file`), into a
/// broker configuration, loading the password and ACL files. A flag given wins over the file.
pub fn resolve(args: &BrokerRunArgs, file: Option<&ConfigFile>) -> Result<BrokerConfig> {
    let empty = ConfigFile::default();
    let f = file.unwrap_or(&empty);
    let (password_file, password_origin) = match (&args.password_file, &f.password_file) {
        (Some(p), _) => (Some(p.clone()), "--password-file"),
        (None, Some(p)) => (Some(p.clone()), "password_file"),
        (None, None) => (None, ""),
    };
    let (acl_file, acl_origin) = match (&args.acl_file, &f.acl_file) {
        (Some(p), _) => (Some(p.clone()), "--acl-file"),
        (None, Some(p)) => (Some(p.clone()), "acl_file"),
        (None, None) => (None, ""),
    };
    let passwords = match &password_file {
        Some(path) => Some(
            PasswordFile::load(path)
                .with_context(|| format!("{password_origin} {}", path.display()))?,
        ),
        None => None,
    };
    let acl = match &acl_file {
        Some(path) => Some(
            broker::load_acl(path).with_context(|| format!("{acl_origin} {}", path.display()))?,
        ),
        None => None,
    };
    // mosquitto 2 refuses anonymous clients when it reads a configuration file.
    let allow_anonymous = args
        .allow_anonymous
        .or(f.allow_anonymous)
        .unwrap_or(file.is_none());
    if !allow_anonymous && passwords.is_none() && !uses_identity(f) {
        warn!("anonymous clients are not allowed and there is no password file: every client will be refused");
    }
    let max_packet_size = args
        .max_packet_size
        .or(f.max_packet_size.map(|n| {
            if n == 0 {
                MAX_PACKET
            } else {
                n.clamp(2, MAX_PACKET)
            }
        }))
        .unwrap_or(MAX_PACKET);
    let max_inflight = args
        .max_inflight
        .or(f
            .max_inflight_messages
            .map(|n| if n == 0 { u16::MAX } else { n }))
        .unwrap_or(20);
    let max_queued = args
        .max_queued
        .or(f
            .max_queued_messages
            .map(|n| if n == 0 { u32::MAX } else { n }))
        .unwrap_or(1000);
    let sys_interval = args
        .sys_interval
        .or(f.sys_interval.map(Duration::from_secs))
        .unwrap_or(Duration::from_secs(10));
    Ok(BrokerConfig {
        max_packet_size: max_packet_size as usize,
        max_connections: args.max_connections.or(f.max_connections).unwrap_or(0),
        max_inflight: usize::from(max_inflight),
        receive_maximum: args.receive_maximum,
        topic_alias_maximum: args.topic_alias_maximum,
        max_keepalive: args.max_keepalive.or(f.max_keepalive).unwrap_or(60),
        max_queued: max_queued as usize,
        slow_consumer_timeout: match args.slow_consumer_timeout {
            Some(t) if t.is_zero() => None,
            Some(t) => Some(t),
            None => Some(Duration::from_secs(5)),
        },
        message_size_limit: f.message_size_limit.filter(|&n| n > 0).map(|n| n as usize),
        sys_interval: (!sys_interval.is_zero()).then_some(sys_interval),
        auth: AuthConfig {
            allow_anonymous,
            passwords,
            acl,
            files: AccessFiles {
                password_file,
                acl_file,
            },
        },
        faults: Faults {
            drop_after: args.fault_drop_after,
            refuse_connect: args.fault_refuse_connect,
            refuse_subscribe: args.fault_refuse_subscribe.clone(),
        },
        ..BrokerConfig::default()
    })
}

/// The name of the store file in the persistence directory, unless `persistence_file`
/// names another.
const STORE_FILE: &str = "mqttkit.db";

/// Where and how the broker persists, from `--persistence DIR` (which wins) or the file's
/// `persistence true` with `persistence_location` and `persistence_file`; `None` keeps
/// everything in memory.
pub fn resolve_persistence(
    args: &BrokerRunArgs,
    file: Option<&ConfigFile>,
) -> Result<Option<broker::PersistConfig>> {
    let empty = ConfigFile::default();
    let f = file.unwrap_or(&empty);
    let dir = match (&args.persistence, f.persistence) {
        (Some(dir), _) => dir.clone(),
        (None, Some(true)) => f
            .persistence_location
            .clone()
            .unwrap_or_else(|| PathBuf::from(".")),
        (None, _) => {
            if args.persistence_sync || args.autosave_interval.is_some() {
                return Err(usage(
                    "--persistence-sync and --autosave-interval need --persistence DIR (or `persistence true` in the configuration file)",
                ));
            }
            return Ok(None);
        }
    };
    if !dir.is_dir() {
        return Err(usage(format!(
            "persistence directory {} does not exist (create it first)",
            dir.display()
        )));
    }
    let name = f
        .persistence_file
        .clone()
        .unwrap_or_else(|| PathBuf::from(STORE_FILE));
    let durability = if args.persistence_sync {
        broker::Durability::Sync
    } else {
        let every = args
            .autosave_interval
            .or(f.autosave_interval.map(Duration::from_secs))
            .unwrap_or(Duration::from_secs(1));
        // 0 (mosquitto: no autosave) commits at shutdown only.
        let every = if every.is_zero() {
            Duration::from_secs(u64::from(u32::MAX))
        } else {
            every
        };
        broker::Durability::Autosave(every)
    };
    Ok(Some(broker::PersistConfig {
        path: dir.join(name),
        durability,
    }))
}

fn uses_identity(file: &ConfigFile) -> bool {
    file.listeners.iter().any(|l| l.use_identity_as_username)
}

/// Reads `-c FILE`, when given; its warnings (lines skipped under --lenient) are printed.
pub fn read_config(args: &BrokerRunArgs) -> Result<Option<ConfigFile>> {
    let Some(path) = &args.config_file else {
        return Ok(None);
    };
    let file = config::load(path, args.lenient, &config::Disk).map_err(|e| usage(e.to_string()))?;
    for warning in &file.warnings {
        output::print_warning(warning);
    }
    Ok(Some(file))
}

/// The `-v` level the configuration file's `log_type` lines ask for, when `-c` is given and
/// readable (errors are reported when the broker starts).
pub fn config_verbosity(args: &BrokerRunArgs) -> Option<u8> {
    let path = args.config_file.as_ref()?;
    config::load(path, true, &config::Disk).ok()?.verbosity
}

/// The listeners of a configuration file: each `listener`, in file order, or mosquitto's
/// default of plain MQTT on localhost:1883 when it has none.
pub fn file_listeners(file: &ConfigFile) -> Result<Vec<ListenerPlan>> {
    if file.listeners.is_empty() {
        return Ok(vec![ListenerPlan {
            addr: SocketAddr::from(([127, 0, 0, 1], 1883)),
            transport: Transport::Tcp,
        }]);
    }
    file.listeners.iter().map(file_listener).collect()
}

fn file_listener(l: &ListenerConfig) -> Result<ListenerPlan> {
    let fail = |what: String| usage(format!("{}: listener {}: {what}", l.at, l.port));
    let tls = match (&l.certfile, &l.keyfile) {
        (Some(cert), Some(key)) => {
            let files = TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                cafile: l.cafile.clone(),
                capath: l.capath.clone(),
                require_certificate: l.require_certificate,
                use_identity_as_username: l.use_identity_as_username,
            };
            Some(Tls::load(&files).map_err(|e| fail(e.to_string()))?)
        }
        (Some(_), None) => return Err(fail("certfile needs keyfile".into())),
        (None, Some(_)) => return Err(fail("keyfile needs certfile".into())),
        (None, None) => {
            let tls_only = l.cafile.is_some()
                || l.capath.is_some()
                || l.require_certificate
                || l.use_identity_as_username;
            if tls_only {
                return Err(fail(
                    "cafile, capath, require_certificate and use_identity_as_username need certfile and keyfile".into(),
                ));
            }
            None
        }
    };
    let transport = match (l.protocol, tls) {
        (Protocol::Mqtt, None) => Transport::Tcp,
        (Protocol::Mqtt, Some(tls)) => Transport::Tls(tls),
        (Protocol::WebSockets, None) => Transport::Ws,
        (Protocol::WebSockets, Some(tls)) => Transport::Wss(tls),
    };
    Ok(ListenerPlan {
        addr: SocketAddr::new(l.address, l.port),
        transport,
    })
}

/// A listener to bind: where, and what it speaks.
#[derive(Debug)]
pub struct ListenerPlan {
    /// The address to bind (port 0: a free one).
    pub addr: SocketAddr,
    /// What its connections speak.
    pub transport: Transport,
}

/// The listeners the flags ask for: the plain one first, then TLS, WebSocket, WebSocket over
/// TLS. The TLS files are read and checked here, before any socket opens.
pub fn resolve_listeners(args: &BrokerRunArgs) -> Result<Vec<ListenerPlan>> {
    let tls_wanted = args.tls_port.is_some() || args.wss_port.is_some();
    let tls = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => {
            if !tls_wanted {
                return Err(usage("--cert and --key need --tls-port or --wss-port"));
            }
            let files = TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
                cafile: args.cafile.clone(),
                capath: None,
                require_certificate: args.require_certificate,
                use_identity_as_username: args.use_identity_as_username,
            };
            Some(Tls::load(&files).map_err(|e| usage(format!("TLS listener: {e}")))?)
        }
        (None, None) if tls_wanted => {
            return Err(usage("--tls-port and --wss-port need --cert and --key"));
        }
        (None, None) => None,
        (Some(_), None) => return Err(usage("--cert needs --key")),
        (None, Some(_)) => return Err(usage("--key needs --cert")),
    };
    if tls.is_none() {
        let stray = [
            (args.cafile.is_some(), "--cafile"),
            (args.require_certificate, "--require-certificate"),
            (args.use_identity_as_username, "--use-identity-as-username"),
        ];
        if let Some((_, flag)) = stray.iter().find(|(given, _)| *given) {
            return Err(usage(format!(
                "{flag} needs a TLS listener (--tls-port or --wss-port)"
            )));
        }
    }
    let at = |port| SocketAddr::new(args.bind, port);
    let mut plans = vec![ListenerPlan {
        addr: at(args.port),
        transport: Transport::Tcp,
    }];
    if let (Some(port), Some(tls)) = (args.tls_port, &tls) {
        plans.push(ListenerPlan {
            addr: at(port),
            transport: Transport::Tls(tls.clone()),
        });
    }
    if let Some(port) = args.ws_port {
        plans.push(ListenerPlan {
            addr: at(port),
            transport: Transport::Ws,
        });
    }
    if let (Some(port), Some(tls)) = (args.wss_port, &tls) {
        plans.push(ListenerPlan {
            addr: at(port),
            transport: Transport::Wss(tls.clone()),
        });
    }
    Ok(plans)
}

/// The line printed for a bound listener: the plain one as it always was (scripts read it),
/// the others marked with their protocol.
fn listening_line(addr: SocketAddr, transport: &Transport) -> String {
    match transport {
        Transport::Tcp => format!("listening on {addr}"),
        other => format!("listening on {addr} ({})", other.name()),
    }
}

fn serve(args: BrokerRunArgs) -> Result<()> {
    let file = read_config(&args)?;
    let config = resolve(&args, file.as_ref())?;
    let persistence = resolve_persistence(&args, file.as_ref())?;
    let plans = match &file {
        Some(file) => file_listeners(file)?,
        None => resolve_listeners(&args)?,
    };
    // The store is read before any socket opens: a store that cannot be used stops the
    // broker before it says it listens.
    let broker = match &persistence {
        Some(persist) => broker::Broker::open(config, persist)?,
        None => broker::Broker::new(config),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let mut listeners = Vec::with_capacity(plans.len());
        for plan in plans {
            let socket = TcpListener::bind(plan.addr)
                .await
                .with_context(|| format!("cannot listen on {}", plan.addr))?;
            listeners.push(Listener {
                socket,
                transport: plan.transport,
            });
        }
        for listener in &listeners {
            let line = listening_line(listener.socket.local_addr()?, &listener.transport);
            // Scripts read these lines to learn the ports; a closed stdout must not stop the
            // broker.
            let _ = output::print_line(&line);
        }
        reload_on_sighup(&broker)?;
        broker
            .run_listeners(listeners, crate::shutdown::signal())
            .await?;
        Ok(())
    })
}

/// Reads the password and ACL files again on every SIGHUP, as mosquitto does.
fn reload_on_sighup(broker: &Arc<broker::Broker>) -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup()).context("cannot watch for SIGHUP")?;
    let broker = broker.clone();
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            broker.reload_access();
        }
    });
    Ok(())
}

fn passwd(args: PasswdArgs) -> Result<()> {
    let mut file = if args.file.exists() {
        PasswordFile::load(&args.file)?
    } else if args.delete {
        bail!("{}: no such password file", args.file.display());
    } else {
        PasswordFile::new()
    };
    if args.delete {
        if !file.remove(&args.username) {
            bail!("user {:?} is not in {}", args.username, args.file.display());
        }
    } else {
        let password = read_password()?;
        file.set_password(&args.username, password.as_bytes())
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    file.save(&args.file)?;
    Ok(())
}

/// Reads a new password: twice from a prompt on a terminal, else the first line of stdin.
fn read_password() -> Result<String> {
    let password = if io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Reenter password: ")?;
        if first != again {
            return Err(Error::Usage("the passwords do not match".into()).into());
        }
        first
    } else {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    if password.is_empty() {
        return Err(Error::Usage("the password is empty".into()).into());
    }
    Ok(password)
}

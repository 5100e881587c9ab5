//! `mqttkit broker`: run the bundled broker, or manage its password file.

use std::io::{self, BufRead, IsTerminal};
use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use tokio::net::TcpListener;
use tracing::warn;

use crate::broker::{self, AuthConfig, BrokerConfig, Faults, PasswordFile};
use crate::cli::{BrokerAction, BrokerArgs, BrokerRunArgs, PasswdArgs};
use crate::error::Error;
use crate::output;

/// Runs `mqttkit broker …`.
pub fn run(args: BrokerArgs) -> Result<()> {
    match args.action {
        Some(BrokerAction::Passwd(passwd_args)) => passwd(passwd_args),
        None => serve(args.run),
    }
}

/// Turns the flags into a broker configuration, loading the password file.
pub fn resolve(args: &BrokerRunArgs) -> Result<BrokerConfig> {
    let passwords = match &args.password_file {
        Some(path) => Some(
            PasswordFile::load(path)
                .with_context(|| format!("--password-file {}", path.display()))?,
        ),
        None => None,
    };
    if !args.allow_anonymous && passwords.is_none() {
        warn!("--allow-anonymous false without --password-file: every client will be refused");
    }
    Ok(BrokerConfig {
        max_packet_size: args.max_packet_size as usize,
        max_connections: args.max_connections,
        max_inflight: usize::from(args.max_inflight),
        receive_maximum: args.receive_maximum,
        topic_alias_maximum: args.topic_alias_maximum,
        max_keepalive: args.max_keepalive,
        max_queued: args.max_queued as usize,
        sys_interval: (!args.sys_interval.is_zero()).then_some(args.sys_interval),
        auth: AuthConfig {
            allow_anonymous: args.allow_anonymous,
            passwords,
        },
        faults: Faults {
            drop_after: args.fault_drop_after,
            refuse_connect: args.fault_refuse_connect,
            refuse_subscribe: args.fault_refuse_subscribe.clone(),
        },
        ..BrokerConfig::default()
    })
}

fn serve(args: BrokerRunArgs) -> Result<()> {
    let config = resolve(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        // Scripts read this line to learn the port; a closed stdout must not stop the broker.
        let _ = output::print_line(&format!("listening on {local}"));
        broker::run(listener, config, crate::shutdown::signal()).await?;
        Ok(())
    })
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

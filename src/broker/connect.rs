//! CONNECT: reading it, deciding on it, answering CONNACK.
//!
//! A connection's first packet chooses its protocol version. The decision on it runs in a
//! fixed order: fault injection, the connection limit, the client identifier, enhanced
//! authentication, credentials, the will; then the session is claimed (taking it over from a
//! connection that still holds it [MQTT-3.1.4-3]) and CONNACK tells the client the broker's
//! limits. A refusal is a CONNACK with a reason code (narrowed to a return code for 3.1.1)
//! and the connection closes [MQTT-3.2.2-7].

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::acl::Client;
use super::codec::DecodeError;
use super::connection::{BadConnect, ClientLimits, Connection, PacketIo};
use super::listener::Identity;
use super::packet::{ClientId, ConnAckProperties, Connect, Outbound, Version};
use super::session::ConnHandle;
use super::state::Claim;
use super::Broker;
use crate::reason::{self, PacketKind, Reason};
use crate::topic;

/// How long a new connection waits for the previous holder of its session to let go.
const TAKEOVER_WAIT: Duration = Duration::from_secs(5);
/// How long a connection over the connection limit may take to send CONNECT before it is
/// closed without an answer.
const OVER_LIMIT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a CONNECT was refused: the v5 reason code and a Reason String.
struct Refusal {
    code: u8,
    why: String,
}

fn refusal(code: u8, why: impl Into<String>) -> Refusal {
    Refusal {
        code,
        why: why.into(),
    }
}

/// Reads CONNECT and answers it; the connection when it is accepted. `over_limit`: the
/// broker is at its connection limit, so the answer is "quota exceeded".
pub(super) async fn establish<S>(
    broker: &Arc<Broker>,
    stream: S,
    peer: &str,
    done: CancellationToken,
    over_limit: bool,
    identity: Identity,
) -> Option<Connection<S>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let conn_id = broker.next_conn_id();
    let mut io = PacketIo::new(stream, broker.config.max_packet_size);
    let wait = if over_limit {
        OVER_LIMIT_CONNECT_TIMEOUT.min(broker.config.connect_timeout)
    } else {
        broker.config.connect_timeout
    };
    let first = tokio::select! {
        first = time::timeout(wait, io.read_connect()) => first,
        () = broker.shutdown.cancelled() => return None,
    };
    let connect = match first {
        Err(_) => {
            debug!("{peer}: no CONNECT within {wait:?}");
            return None;
        }
        Ok(Ok(Some(connect))) => connect,
        Ok(Ok(None)) => return None,
        Ok(Err(bad)) => {
            if io.starts_with_tls_record() {
                info!("{peer}: a TLS handshake on a plain MQTT listener (use the TLS port)");
                return None;
            }
            answer_bad_connect(&mut io, peer, bad).await;
            return None;
        }
    };
    debug!("{peer}: received {connect:?}");
    let version = connect.version;
    let max = connect
        .maximum_packet_size
        .map_or(usize::MAX, |m| m as usize);
    if over_limit {
        let limit = broker.config.max_connections;
        info!("{peer}: refusing {version} CONNECT: connection limit {limit} reached");
        let why = format!("connection limit {limit} reached");
        refuse(&mut io, version, refusal(reason::QUOTA_EXCEEDED, why), max).await;
        return None;
    }
    match check(broker, &connect, conn_id, &identity) {
        Ok((client_id, assigned, username)) => Some(
            open_session(
                broker, io, connect, client_id, assigned, username, peer, conn_id, done,
            )
            .await,
        ),
        Err(refused) => {
            let text = Reason::new(PacketKind::ConnAck, refused.code);
            info!("{peer}: {version} CONNECT refused: {text}: {}", refused.why);
            refuse(&mut io, version, refused, max).await;
            None
        }
    }
}

/// The checks before a session is claimed, in order: fault injection, the client
/// identifier, enhanced authentication, credentials, the will. The client id to use,
/// whether the broker assigned it, and the client's username.
fn check(
    broker: &Broker,
    connect: &Connect,
    conn_id: u64,
    identity: &Identity,
) -> Result<(ClientId, bool, Option<String>), Refusal> {
    if let Some(code) = broker.config.faults.refuse_connect {
        let code = reason::connack_from_v311(code);
        return Err(refusal(code, "refused by fault injection"));
    }
    let (client_id, assigned) = client_id(connect, conn_id)?;
    if let Some(method) = &connect.authentication_method {
        return Err(refusal(
            reason::BAD_AUTHENTICATION_METHOD,
            format!("authentication method {method:?} is not supported"),
        ));
    }
    let username = authenticate(broker, connect, identity)?;
    check_will(broker, connect, &client_id, username.as_deref())?;
    Ok((client_id, assigned, username))
}

/// Answers a CONNECT that could not be decoded: CONNACK "unsupported protocol version" for
/// a protocol level the broker does not speak [MQTT-3.1.2-2]; for an MQTT 5 CONNECT that
/// breaks the rules, CONNACK with the reason (§3.1.4); otherwise just the close.
async fn answer_bad_connect<S>(io: &mut PacketIo<S>, peer: &str, bad: BadConnect)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let e = bad.error;
    info!("{peer}: bad CONNECT: {e}");
    match &e {
        // 3.1 and older get the 3.1.1 answer (return code 1); newer levels get MQTT 5's.
        DecodeError::UnsupportedProtocol { level, .. } => {
            let version = if *level > 5 {
                Version::V5
            } else {
                Version::V311
            };
            refuse(
                io,
                version,
                refusal(e.reason_code(), e.to_string()),
                usize::MAX,
            )
            .await;
        }
        _ if bad.version == Some(Version::V5) => {
            let refused = refusal(e.reason_code(), e.to_string());
            refuse(io, Version::V5, refused, usize::MAX).await;
        }
        _ => {}
    }
}

/// Sends a refusing CONNACK and flushes it; the caller closes.
async fn refuse<S>(io: &mut PacketIo<S>, version: Version, refused: Refusal, max: usize)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    // A refusal never reports a session [MQTT-3.2.2-6].
    let packet = Outbound::ConnAck {
        session_present: false,
        reason: refused.code,
        properties: Box::new(ConnAckProperties {
            reason_string: Some(refused.why),
            ..Default::default()
        }),
    };
    // `max`: the client's Maximum Packet Size, which the Reason String must not break
    // [MQTT-3.2.2-19] (unknown when its CONNECT could not be read).
    io.encode(version, &packet, max);
    let _ = time::timeout(Duration::from_secs(1), io.flush()).await;
}

/// Checks credentials: unknown user or wrong password → bad user name or password, no
/// username while anonymous clients are not allowed → not authorized. On a listener that
/// takes the username from the client certificate, the certificate is the credential (as in
/// mosquitto): without one, bad user name or password. The username the client is known by.
fn authenticate(
    broker: &Broker,
    connect: &Connect,
    identity: &Identity,
) -> Result<Option<String>, Refusal> {
    match identity {
        Identity::FromConnect => {}
        Identity::Certificate(Some(cn)) => return Ok(Some(cn.clone())),
        Identity::Certificate(None) => {
            return Err(refusal(
                reason::BAD_USERNAME_OR_PASSWORD,
                "this listener takes the user name from a client certificate with a Common Name",
            ))
        }
    }
    let auth = broker.access();
    let username = connect.username.as_deref().filter(|u| !u.is_empty());
    match (username, &auth.passwords) {
        (Some(user), Some(passwords)) => {
            let password = connect.password.as_ref().map_or(&[][..], |p| &p.0[..]);
            if passwords.verify(user, password) {
                Ok(Some(user.to_owned()))
            } else {
                Err(refusal(
                    reason::BAD_USERNAME_OR_PASSWORD,
                    "unknown user name or wrong password",
                ))
            }
        }
        (Some(user), None) => Ok(Some(user.to_owned())),
        (None, _) if auth.allow_anonymous => Ok(None),
        (None, _) => Err(refusal(
            reason::NOT_AUTHORIZED,
            "anonymous clients are not allowed",
        )),
    }
}

/// The client identifier to use: the client's, or one the broker assigns to an empty one
/// [MQTT-3.1.3-6]. 3.1.1 allows an empty one only with Clean Session [MQTT-3.1.3-8]; MQTT 5
/// always assigns one and says so in CONNACK [MQTT-3.2.2-16].
fn client_id(connect: &Connect, conn_id: u64) -> Result<(ClientId, bool), Refusal> {
    if !connect.client_id.is_empty() {
        return Ok((connect.client_id.as_str().into(), false));
    }
    if connect.version == Version::V311 && !connect.clean_start {
        return Err(refusal(
            reason::CLIENT_ID_NOT_VALID,
            "an empty client id needs clean session [MQTT-3.1.3-8]",
        ));
    }
    let id = format!("mqttkit-auto-{conn_id:x}-{:08x}", rand::random::<u32>());
    Ok((id.into(), true))
}

/// The will, checked: a will topic is a topic name [MQTT-3.1.3-11], and one the client may
/// publish to (else not authorized, as mosquitto answers).
fn check_will(
    broker: &Broker,
    connect: &Connect,
    client_id: &ClientId,
    username: Option<&str>,
) -> Result<(), Refusal> {
    if let Some(will) = &connect.will {
        let topic = &will.message.topic;
        if let Err(e) = topic::validate_name(topic) {
            return Err(refusal(
                reason::TOPIC_NAME_INVALID,
                format!("will topic {topic:?}: {e}"),
            ));
        }
        let client = Client {
            id: client_id,
            username,
        };
        if !broker.access().may_publish(client, topic) {
            return Err(refusal(
                reason::NOT_AUTHORIZED,
                format!("the ACL does not allow publishing the will to {topic:?}"),
            ));
        }
    }
    Ok(())
}

/// The keep-alive the connection runs with, and the Server Keep Alive to announce when it
/// differs from the client's: MQTT 5 clients asking for more than `--max-keepalive`, or
/// for none, get the cap [MQTT-3.2.2-21]; 3.1.1 clients cannot be told, so theirs stands.
fn keep_alive(broker: &Broker, connect: &Connect) -> (u16, Option<u16>) {
    let cap = broker.config.max_keepalive;
    let asked = connect.keep_alive;
    match connect.version {
        Version::V5 if cap > 0 && (asked == 0 || asked > cap) => (cap, Some(cap)),
        _ => (asked, None),
    }
}

/// Claims the session of an accepted CONNECT and queues CONNACK with the broker's limits.
#[allow(clippy::too_many_arguments)]
async fn open_session<S>(
    broker: &Arc<Broker>,
    mut io: PacketIo<S>,
    connect: Connect,
    client_id: ClientId,
    assigned: bool,
    username: Option<String>,
    peer: &str,
    conn_id: u64,
    done: CancellationToken,
) -> Connection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let version = connect.version;
    let kick = CancellationToken::new();
    let handle = ConnHandle {
        id: conn_id,
        kick: kick.clone(),
        done,
    };
    let (outbox, store, session_present) = loop {
        let claim = broker.state().claim_session(
            &client_id,
            connect.clean_start,
            handle.clone(),
            broker.config.queue_limits(),
            (connect.session_expiry, username.as_deref()),
        );
        match claim {
            Claim::Claimed {
                outbox,
                store,
                session_present,
                dropped,
            } => {
                super::Stats::add(&broker.stats.messages_dropped, dropped);
                break (outbox, store, session_present);
            }
            Claim::Busy(holder) => {
                debug!("{client_id}: taking over from connection {}", holder.id);
                holder.kick.cancel();
                if time::timeout(TAKEOVER_WAIT, holder.done.cancelled())
                    .await
                    .is_err()
                {
                    warn!("{client_id}: previous connection did not let go; detaching it");
                    broker.state().detach(&client_id, holder.id);
                }
            }
        }
    };
    let (keep_alive, server_keep_alive) = keep_alive(broker, &connect);
    info!(
        "{client_id} connected from {peer}{} ({version}, clean start {}, session expiry {}, keep-alive {keep_alive}s{})",
        username.as_deref().map(|u| format!(" as {u:?}")).unwrap_or_default(),
        connect.clean_start,
        expiry_text(connect.session_expiry),
        if session_present { ", session resumed" } else { "" }
    );
    let config = &broker.config;
    let properties = ConnAckProperties {
        receive_maximum: Some(config.receive_maximum),
        maximum_packet_size: u32::try_from(config.max_packet_size).ok(),
        assigned_client_id: assigned.then(|| client_id.to_string()),
        topic_alias_maximum: (config.topic_alias_maximum > 0).then_some(config.topic_alias_maximum),
        retain_available: Some(true),
        wildcard_available: Some(true),
        subscription_ids_available: Some(true),
        shared_available: Some(true),
        server_keep_alive,
        response_information: connect
            .request_response_information
            .then(|| format!("response/{client_id}")),
        ..Default::default()
    };
    let limits = ClientLimits {
        receive_maximum: connect.receive_maximum,
        maximum_packet_size: connect
            .maximum_packet_size
            .map_or(usize::MAX, |m| m as usize),
        topic_alias_maximum: connect.topic_alias_maximum,
    };
    io.encode(
        version,
        &Outbound::ConnAck {
            session_present,
            reason: reason::SUCCESS,
            properties: Box::new(properties),
        },
        limits.maximum_packet_size,
    );
    let mut conn = Connection::new(
        broker.clone(),
        io,
        version,
        client_id,
        conn_id,
        outbox,
        store,
        connect.will,
        connect.session_expiry,
        limits,
        kick,
        keep_alive,
    );
    conn.username = username.map(Arc::from);
    conn
}

fn expiry_text(expiry: u32) -> String {
    match expiry {
        super::packet::NEVER_EXPIRES => "never".to_owned(),
        s => format!("{s}s"),
    }
}

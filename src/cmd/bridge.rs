//! `mqttkit bridge`: flags → a [`BridgePlan`] (usage errors here, before any socket opens)
//! → [`bridge::bridge`], printing its reports: counters on stderr with `-v`, JSON events on
//! stdout with `--json`, and the summary on stderr at the end.

use anyhow::{Context, Result};

use crate::bridge::{self, BridgePlan, Report, Side, Stats};
use crate::cli::{BridgeArgs, BridgeFrom, BridgeTo, RetainMode};
use crate::conn::{self, url, ConnectConfig, ConnectOpts, Protocol, TlsOpts};
use crate::error::usage;
use crate::output;
use crate::record::remap;
use crate::topic;

/// Runs `mqttkit bridge`.
pub fn run(args: BridgeArgs) -> Result<()> {
    let plan = resolve(&args)?;
    super::warn_before_connecting(&plan.from);
    super::warn_before_connecting(&plan.to);
    let (verbose, json) = (args.verbose, args.json);
    super::block_on(async move {
        let mut printer = |r: Report| print_report(&r, verbose, json);
        let stats = bridge::bridge(plan, &mut printer).await?;
        print_summary(&stats, json)
    })
}

/// The flags of one side, whichever it is.
struct SideFlags<'a> {
    url: &'a Option<String>,
    version: &'a str,
    id: &'a Option<String>,
    user: &'a Option<String>,
    pw_file: &'a Option<std::path::PathBuf>,
    tls: TlsOpts,
}

impl<'a> From<&'a BridgeFrom> for SideFlags<'a> {
    fn from(f: &'a BridgeFrom) -> Self {
        SideFlags {
            url: &f.url,
            version: &f.version,
            id: &f.id,
            user: &f.user,
            pw_file: &f.pw_file,
            tls: TlsOpts {
                cafile: f.cafile.clone(),
                capath: f.capath.clone(),
                cert: f.cert.clone(),
                key: f.key.clone(),
                insecure: f.insecure,
            },
        }
    }
}

impl<'a> From<&'a BridgeTo> for SideFlags<'a> {
    fn from(f: &'a BridgeTo) -> Self {
        SideFlags {
            url: &f.url,
            version: &f.version,
            id: &f.id,
            user: &f.user,
            pw_file: &f.pw_file,
            tls: TlsOpts {
                cafile: f.cafile.clone(),
                capath: f.capath.clone(),
                cert: f.cert.clone(),
                key: f.key.clone(),
                insecure: f.insecure,
            },
        }
    }
}

/// One side's connection: the shared connection layer's resolution of the side's flags,
/// with a persistent session (clean session 0; MQTT 5: a session that never expires) when
/// the side is a source, and manual acknowledgements.
fn resolve_side(
    args: &BridgeArgs,
    side: Side,
    flags: SideFlags,
    persistent: bool,
) -> Result<ConnectConfig> {
    let flag = side.flag();
    let name = &flag[2..];
    let raw = flags.url.as_deref().ok_or_else(|| {
        usage(format!(
            "{flag} URL is required (e.g. {flag} mqtt://host:1883)"
        ))
    })?;
    url::parse(raw).map_err(|e| usage(format!("{flag} {e}")))?;
    let opts = ConnectOpts {
        host: None,
        port: None,
        url: Some(raw.to_owned()),
        protocol_version: flags.version.to_owned(),
        id: Some(
            flags
                .id
                .clone()
                .unwrap_or_else(|| format!("{}-{name}", args.name)),
        ),
        id_prefix: None,
        keepalive: args.keepalive,
        disable_clean_session: persistent,
        session_expiry: None,
        connect_timeout: args.connect_timeout,
        username: flags.user.clone(),
        password: None,
        password_file: flags.pw_file.clone(),
        will_topic: None,
        will_payload: None,
        will_qos: 0,
        will_retain: false,
        max_reconnects: args.max_reconnects,
        tls: flags.tls,
    };
    let mut config = conn::resolve(&opts, "bridge").map_err(|e| {
        let flags = format!("{e:#}")
            .replace("-L/--url", flag)
            .replace("-V ", &format!("{flag}-version "))
            .replace("--cafile", &format!("{flag}-cafile"))
            .replace("--capath", &format!("{flag}-capath"))
            .replace("--cert", &format!("{flag}-cert"))
            .replace("--key", &format!("{flag}-key"))
            .replace("--pw-file", &format!("{flag}-pw-file"))
            .replace("-i/--id", &format!("{flag}-id"));
        usage(flags)
    })?;
    if side == Side::To && config.url_topic.is_some() {
        return Err(usage(format!(
            "{flag} {raw:?}: a topic in the destination's URL has no meaning (use --remap)"
        )));
    }
    config.manual_acks = true;
    if config.protocol == Protocol::V5 {
        config.receive_maximum = Some(u16::try_from(args.queue).unwrap_or(u16::MAX));
    }
    Ok(config)
}

fn resolve(args: &BridgeArgs) -> Result<BridgePlan> {
    let from = resolve_side(args, Side::From, (&args.from).into(), true)?;
    let to = resolve_side(args, Side::To, (&args.to).into(), args.both)?;
    let mut filters = args.topic.clone();
    if filters.is_empty() {
        filters.extend(from.url_topic.clone());
    }
    if filters.is_empty() {
        return Err(usage(
            "a topic filter is required: -t FILTER (repeatable), or a path in --from's URL",
        ));
    }
    for f in &filters {
        topic::validate_filter(f).map_err(|e| usage(format!("-t {f:?}: {e}")))?;
    }
    let remaps = remap::parse_all(&args.remap)?;
    // A remap can make an invalid topic name only by emptying it (FROM and TO have no
    // wildcards or NUL): refuse one that would do that to a topic the filters match.
    for r in remaps.iter().filter(|r| r.to.is_empty()) {
        if let Some(f) = filters.iter().find(|f| topic::matches(f, &r.from)) {
            return Err(usage(format!(
                "--remap {}=: the topic {:?}, which -t {f} matches, would become empty, which is \
                 not a valid topic name",
                r.from, r.from
            )));
        }
    }
    if args.both && (from.protocol != Protocol::V5 || to.protocol != Protocol::V5) {
        return Err(usage(
            "--both needs MQTT 5 on both sides (--from-version 5 --to-version 5): only MQTT 5's \
             No Local keeps a forwarded message from coming back; with MQTT 3.1.1 run two \
             bridges on disjoint topics instead (docs/bridge.md)",
        ));
    }
    if args.max_qos == 2 {
        output::print_warning(
            "-q 2: if the bridge restarts or loses the --from connection between acknowledging \
             a QoS 2 message (PUBREC) and the broker's PUBREL, rumqttc, the MQTT library \
             under mqttkit, refuses the PUBREL the broker sends again and the connection \
             reconnects in a loop (rumqttc issue 664); -q 1 does not have this problem",
        );
    }
    if args.stats_interval.is_zero() {
        return Err(usage("--stats-interval must be more than 0"));
    }
    if from.host == to.host && from.port == to.port && !args.both && remaps.is_empty() {
        output::print_warning(
            "--from and --to are the same broker and no --remap is given: every message \
             would be forwarded onto itself",
        );
    }
    Ok(BridgePlan {
        from,
        to,
        filters,
        remaps,
        max_qos: conn::qos(args.max_qos),
        drop_retain: args.retain == RetainMode::Drop,
        both: args.both,
        queue: args.queue as usize,
        stats_every: args.stats_interval,
        drain: args.drain_timeout,
    })
}

/// One `--json` event line; `fields` follow `"event"` in their order.
fn json_line(event: &str, fields: &[(&str, serde_json::Value)]) {
    let mut line = format!("{{\"event\":\"{event}\"");
    for (k, v) in fields {
        line += &format!(",\"{k}\":{v}");
    }
    line.push('}');
    let _ = output::print_line(&line);
}

fn print_report(r: &Report, verbose: bool, json: bool) {
    match r {
        Report::Connected {
            side,
            session_present,
        } => {
            if json {
                json_line(
                    "connected",
                    &[
                        ("side", serde_json::json!(side)),
                        ("session_present", serde_json::json!(session_present)),
                    ],
                );
            }
            if verbose {
                let session = if *session_present {
                    "session resumed"
                } else {
                    "new session"
                };
                output::print_status(&format!("bridge: {} connected ({session})", side.flag()));
            }
        }
        Report::Subscribed { side } => {
            if json {
                json_line("subscribed", &[("side", serde_json::json!(side))]);
            }
            if verbose {
                output::print_status(&format!("bridge: {} subscribed", side.flag()));
            }
        }
        Report::Lost {
            side,
            error,
            retry_in,
        } => {
            if json {
                json_line(
                    "lost",
                    &[
                        ("side", serde_json::json!(side)),
                        ("error", serde_json::json!(error)),
                        ("retry_in_s", serde_json::json!(retry_in.as_secs_f64())),
                    ],
                );
            }
            output::print_warning(&format!(
                "{} connection lost ({error}); reconnecting in {}",
                side.flag(),
                humantime::format_duration(std::time::Duration::from_millis(
                    retry_in.as_millis() as u64
                ))
            ));
        }
        Report::Stopping => {
            if json {
                json_line("stopping", &[]);
            }
            if verbose {
                output::print_status("bridge: stopping, finishing what is in flight");
            }
        }
        Report::Counters(stats) => {
            if json {
                let _ = output::print_line(&stats_json("stats", stats));
            }
            if verbose {
                output::print_status(&counters_line("bridge:", stats));
            }
        }
    }
}

/// The counters as one JSON object, `"event"` first and the fields in their order.
fn stats_json(event: &str, stats: &Stats) -> String {
    let fields = serde_json::to_string(stats).unwrap_or_else(|_| "{}".into());
    format!("{{\"event\":\"{event}\",{}", &fields[1..])
}

fn counters_line(label: &str, s: &Stats) -> String {
    let mut line = format!(
        "{label} forwarded {}, queued {}, dropped {}, refused {}, reconnects {} in {:.1} s",
        s.forwarded, s.queued, s.dropped, s.refused, s.reconnects, s.elapsed_s
    );
    let routes: Vec<String> = s
        .routes
        .iter()
        .map(|r| {
            format!(
                "{} {}: {} forwarded, {} dropped",
                r.source.flag(),
                r.filter,
                r.forwarded,
                r.dropped
            )
        })
        .collect();
    line += &format!(" [{}]", routes.join("; "));
    line
}

fn print_summary(stats: &Stats, json: bool) -> Result<()> {
    output::print_status(&counters_line("bridged:", stats));
    if stats.properties_dropped > 0 {
        output::print_warning(&format!(
            "{} messages had MQTT 5 properties that an MQTT 3.1.1 destination cannot carry \
             (use --to-version 5)",
            stats.properties_dropped
        ));
    }
    if json {
        output::print_line(&stats_json("summary", stats)).context("writing to stdout")?;
    }
    Ok(())
}

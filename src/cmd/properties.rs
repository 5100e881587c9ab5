//! MQTT 5 PUBLISH properties from `pub`'s flags: the long flags and mosquitto_pub's
//! `-D publish NAME VALUE` form, validated before connecting.

use anyhow::Result;

use crate::cli::PubArgs;
use crate::conn::PublishProperties;
use crate::error::usage;
use crate::topic;

/// The properties `args` ask for; `None` when there are none.
pub fn from_args(args: &PubArgs) -> Result<Option<PublishProperties>> {
    let mut props = PublishProperties::default();
    let mut any = false;
    for pair in &args.user_property {
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            usage(format!(
                "--user-property {pair:?}: expected KEY=VALUE (e.g. --user-property unit=C)"
            ))
        })?;
        props.user_properties.push((key.into(), value.into()));
        any = true;
    }
    let long_flags = [
        ("content-type", args.content_type.clone()),
        ("response-topic", args.response_topic.clone()),
        ("correlation-data", args.correlation_data.clone()),
        (
            "message-expiry-interval",
            args.message_expiry.map(|d| d.as_secs().to_string()),
        ),
        (
            "payload-format-indicator",
            args.payload_format_indicator.map(|n| n.to_string()),
        ),
    ];
    for (name, value) in long_flags {
        if let Some(value) = value {
            set(&mut props, name, &value, &format!("--{name}"))?;
            any = true;
        }
    }
    // clap gives the values of every -D in one list; each occurrence is COMMAND NAME VALUE,
    // or COMMAND user-property KEY VALUE, so the name says how many values follow.
    let mut rest = args.property.as_slice();
    while !rest.is_empty() {
        let len = if rest.get(1).map(String::as_str) == Some("user-property") {
            4
        } else {
            3
        };
        let (values, after) = rest.split_at(len.min(rest.len()));
        apply_mosquitto_form(&mut props, values)?;
        rest = after;
        any = true;
    }
    Ok(any.then_some(props))
}

/// `-D COMMAND NAME VALUE` or `-D COMMAND user-property KEY VALUE`.
fn apply_mosquitto_form(props: &mut PublishProperties, values: &[String]) -> Result<()> {
    let shown = values.join(" ");
    let [command, name, ..] = values else {
        return Err(usage(format!("-D {shown}: expected COMMAND NAME VALUE")));
    };
    let (command, name) = (command.to_ascii_lowercase(), name.as_str());
    if command != "publish" {
        return Err(usage(format!(
            "-D {shown}: only PUBLISH properties are supported by pub (e.g. -D publish content-type text/plain)"
        )));
    }
    match (name, &values[2..]) {
        ("user-property", [key, value]) => {
            props.user_properties.push((key.clone(), value.clone()));
            Ok(())
        }
        ("user-property", _) => Err(usage(format!(
            "-D {shown}: user-property takes a key and a value"
        ))),
        (_, [value]) => set(props, name, value, &format!("-D {shown}")),
        _ => Err(usage(format!("-D {shown}: {name} takes one value"))),
    }
}

/// Sets property `name` from its text `value`; `flag` names the source in errors.
fn set(props: &mut PublishProperties, name: &str, value: &str, flag: &str) -> Result<()> {
    match name {
        "content-type" => props.content_type = Some(value.into()),
        "response-topic" => {
            // A response topic is a topic name [MQTT-3.3.2-13].
            topic::validate_name(value).map_err(|e| usage(format!("{flag}: {e}")))?;
            props.response_topic = Some(value.into());
        }
        "correlation-data" => props.correlation_data = Some(value.as_bytes().to_vec()),
        "message-expiry-interval" => {
            let secs = value
                .parse::<u32>()
                .map_err(|_| usage(format!("{flag}: expected seconds (0-4294967295)")))?;
            props.message_expiry_interval = Some(secs);
        }
        "payload-format-indicator" => {
            let n = match value {
                "0" => 0,
                "1" => 1,
                _ => return Err(usage(format!("{flag}: expected 0 or 1"))),
            };
            props.payload_format_indicator = Some(n);
        }
        other => {
            return Err(usage(format!(
                "{flag}: {other} is not a PUBLISH property that pub can set \
                 (content-type, correlation-data, message-expiry-interval, \
                 payload-format-indicator, response-topic, user-property)"
            )))
        }
    }
    Ok(())
}

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mqttkit_global_optspecs
    string join \n color= v/verbose h/help V/version
end

function __fish_mqttkit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mqttkit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mqttkit_using_subcommand
    set -l cmd (__fish_mqttkit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mqttkit -n "__fish_mqttkit_needs_command" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_needs_command" -s v -l verbose -d 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "pub" -d 'Publish messages (mosquitto_pub\'s flags)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "sub" -d 'Subscribe and print messages (mosquitto_sub\'s flags and output)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "sim" -d 'Simulate sensors publishing telemetry (temperature, pressure, …)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "status" -d 'Announce a device\'s presence (retained "online", a will of "offline"), or watch many'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "demo" -d 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "broker" -d 'Run the bundled broker: MQTT 3.1.1 and 5 on one port'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "bench" -d 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "record" -d 'Record messages losslessly to NDJSON (and/or an SQLite database) for replay'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "replay" -d 'Publish a recording again, at its recorded pace (scaled by --speed) or as fast as the broker acknowledges'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "top" -d 'A live terminal view of a broker: topic tree, values, history, presence, $SYS'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "bridge" -d 'Forward messages from one broker to another (or both ways), acknowledging each to the source only once the destination has it'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "generate" -d 'Write shell completions or the man page (used to refresh the committed copies)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s t -l topic -d 'Topic to publish to (or the path of -L\'s URL)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s m -l message -d 'Message payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s f -l file -d 'Send the contents of a file as one message' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s q -l qos -d 'Quality of service' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l repeat -d 'Publish the message this many times' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l repeat-delay -d 'Wait this long between repeats (seconds, or e.g. 500ms)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l user-property -d 'A user property KEY=VALUE (MQTT 5; repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l content-type -d 'The payload\'s content type, e.g. application/json (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l response-topic -d 'Topic for a response (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l correlation-data -d 'Correlation data for a response (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l message-expiry -d 'Message expiry interval: seconds, or a duration such as 5m (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l payload-format-indicator -d 'Payload format indicator: 0 unspecified bytes, 1 UTF-8 text (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s D -l property -d 'A property in mosquitto_pub\'s form: -D publish user-property KEY VALUE, or -D publish NAME VALUE for content-type, response-topic, correlation-data, message-expiry-interval and payload-format-indicator (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s s -l stdin-file -d 'Send all of stdin as one message'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s l -l stdin-line -d 'Send each line of stdin as a message (only the `\\n` is removed; an empty line is an empty message). Reconnects after a lost connection and resends what was not acknowledged (--max-reconnects to give up)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s n -l null-message -d 'Send an empty (zero-length) message'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s r -l retain -d 'Retain the message'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand pub" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s t -l topic -d 'Topic filter to subscribe to (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s T -l filter-out -d 'Do not print messages whose topic matches this filter (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s U -l unsubscribe -d 'Unsubscribe from this filter after connecting (repeatable; with -c, cleans a persistent session)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s q -l qos -d 'Requested QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s C -l count -d 'Exit after this many messages (those that pass -T and -R)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s W -l timeout -d 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s F -l format -d 'Print each message with this template (mosquitto_sub\'s -F specifiers)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s E -l exit-after-subscribe -d 'Exit right after the subscriptions are acknowledged'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s R -l no-retained -d 'Ignore retained (stale) messages'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l retained-only -d 'Print only retained messages; exit at the first message that is not retained'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l remove-retained -d 'Clear each retained message received by publishing an empty retained message to its topic'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s v -l verbose -d 'Print `topic payload` instead of the payload alone'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s N -l no-eol -d 'Do not print a newline after each message'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l json -d 'Print each message as one JSON object per line'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l pretty -d 'Print the JSON of -F\'s %j and %J indented over several lines (as mosquitto_sub); --json stays one object per line'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sub" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l devices -d 'Number of devices, named PREFIX1, PREFIX2, … [default: 1]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l device-prefix -d 'Device name prefix; the device\'s number follows it' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l sensor -d 'A sensor per device: KIND[:INTERVAL[:MIN..MAX]] (repeatable). Kinds: temperature (3s, 20..30 C), pressure (500ms, 990..1020 hPa), humidity, battery, co2, generic; any other name with a range is a generic sensor [default: temperature and pressure]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l topic -d 'Topic template: {device}, {sensor}, {i} (device number)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l payload -d 'Payload: json, plain (just the number), or a template with {device} {i} {sensor} {value} {unit} {ts} {seq} [default: json]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l model -d 'Value model: walk (a bounded random walk with noise) or uniform [default: walk]' -r -f -a "uniform\t'Independent values, uniform within the range (as the classic scripts do)'
walk\t'A bounded random walk with noise: values drift smoothly and stay in range'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l seed -d 'Seed for every value, so a run can be reproduced [default: random, printed with -v]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s q -l qos -d 'QoS of the readings [default: 0]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l count -d 'Stop after this many readings per sensor' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l duration -d 'Stop after this long (e.g. 30s, 5m)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l status-topic -d 'Presence topic template: {device}, {i}' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l scenario -d 'A fleet in a TOML file (see docs/sim.md); flags given as well override its settings' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l buffer -d 'Readings each device keeps while the broker is unreachable; beyond it the oldest are dropped and counted' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s r -l retain -d 'Retain the readings'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l status -d 'Each device carries its presence: a will of "offline" and a retained "online" on --status-topic'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l json -d 'Print each reading as a JSON line on stdout instead of the live status line'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s v -l verbose -d 'Log more to stderr (-v: connections, -vv: packets)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand sim" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s t -l topic -d 'The device\'s status topic: its will says "offline" there, and it keeps a retained "online" there while connected' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l interval -d 'Heartbeat: publish "online" again this often' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l online -d 'The "online" payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l offline -d 'The "offline" payload (will and clean stop)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l watch -d 'Watch the devices whose status topics match this filter (e.g. \'devices/+/status\'): a live table on a terminal, a line per change otherwise' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l expect -d 'With --watch: exit 0 once every known device is in this state (and at least --expect-count are known); with --timeout, exit 27 if that does not happen in time' -r -f -a "online\t'Every watched device online'
offline\t'Every watched device offline'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l expect-count -d 'With --expect: how many devices must be known' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l timeout -d 'With --watch: give up after this long (exit 27, "Timed out")' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l json -d 'With -t: JSON payloads {"status","ts","uptime_s"} (the will\'s ts is the connect time). With --watch: one JSON object per change'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand status" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -s p -l port -d 'Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -l devices -d 'Number of simulated devices' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -l duration -d 'Stop after this long (default: until Ctrl-C, or q in top)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -l plain -d 'Print a scrolling log of the messages instead of opening `top` (what the demo does anyway when stdout is not a terminal)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand demo" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s c -l config-file -d 'Read mosquitto\'s configuration file (listeners, TLS, authentication, ACLs, limits; see docs/broker.md). Flags given as well override its settings; the listener flags cannot be combined with it' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l bind -d 'Address to listen on' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s p -l port -d 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l tls-port -d 'Also listen for MQTT over TLS on this port (0 takes a free one); needs --cert and --key' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l ws-port -d 'Also listen for MQTT over WebSocket on this port, any path (0 takes a free one)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l wss-port -d 'Also listen for MQTT over WebSocket over TLS on this port (0 takes a free one); needs --cert and --key' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l cert -d 'The TLS listeners\' certificate chain (PEM)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l key -d 'The private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l cafile -d 'CA certificates (PEM) that client certificates on the TLS listeners must chain to; a client may still come without one unless --require-certificate' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l allow-anonymous -d 'Accept clients that send no username [default: true; with -c, false, as mosquitto]' -r -f -a "true\t''
false\t''"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l password-file -d 'Users and password hashes in mosquitto_passwd\'s format (`user:$7$…`). SIGHUP reads it again' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l acl-file -d 'Access control list in mosquitto\'s acl_file format (`user`, `topic [read|write| readwrite|deny] FILTER`, `pattern` with %c and %u). SIGHUP reads it again' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-packet-size -d 'Largest packet accepted from a client, in bytes (announced to MQTT 5 clients); a larger one closes that connection (MQTT 5: DISCONNECT 0x95) [default: 268435455]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-connections -d 'Most clients connected at once; further ones are refused with CONNACK "quota exceeded" (MQTT 5 0x97, 3.1.1 return code 3) (0: no limit) [default: 0]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-keepalive -d 'Largest keep-alive an MQTT 5 client gets, in seconds: one asking for more, or for none, is told this one in CONNACK (Server Keep Alive). 3.1.1 clients keep theirs (0: no cap) [default: 60]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l receive-maximum -d 'Receive Maximum announced to MQTT 5 clients: QoS 2 messages a client may have unreleased at once; one more is answered with DISCONNECT 0x93' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l topic-alias-maximum -d 'Topic Alias Maximum announced to MQTT 5 clients (0: no topic aliases from clients)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-inflight -d 'QoS 1/2 messages in flight to one client before further ones wait in its queue [default: 20]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-queued -d 'Messages queued per client (online behind the in-flight window, or offline with a persistent session); when full the oldest is dropped, counted and logged [default: 1000]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l slow-consumer-timeout -d 'Flow control: while a connected subscriber\'s queue is over half of --max-queued, the broker stops reading from the clients publishing to it, until it is down to a quarter; a subscriber that holds them back longer than this is treated as stuck (its oldest messages are dropped when its queue is full, counted) and no longer slows anyone down. 0 turns flow control off [default: 5s]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l sys-interval -d 'How often to publish the `$SYS/broker/…` counters (0 turns them off) [default: 10s]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l persistence -d 'Keep sessions, subscriptions, queued and in-flight QoS 1/2 messages, QoS 2 state, retained messages and delayed wills in DIR/mqttkit.db across restarts (mosquitto\'s `persistence true` with `persistence_location DIR`)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l autosave-interval -d 'Without --persistence-sync: how often changes are committed to the store; `kill -9` loses at most this much (mosquitto\'s `autosave_interval`) [default: 1s]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l fault-drop-after -d 'Fault injection: close every client\'s connection after it has sent N packets (CONNECT included), without a will being suppressed' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l fault-refuse-connect -d 'Fault injection: refuse every CONNECT with this code: a 3.1.1 return code (1-5) or an MQTT 5 CONNACK reason code (128-159, or 0x80-0x9f), each translated for clients of the other version' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l fault-refuse-subscribe -d 'Fault injection: answer SUBSCRIBE with the failure code 0x80 for every filter that this filter matches (e.g. `private/#`)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l lenient -d 'With -c: a directive the broker does not implement is a warning, not an error'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s v -l verbose -d 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l require-certificate -d 'Refuse TLS clients without a certificate signed by --cafile'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l use-identity-as-username -d 'On the TLS listeners, the client certificate\'s Common Name is the username (and the certificate the credential: no password is checked); needs --cafile'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l persistence-sync -d 'Acknowledge a QoS 1/2 PUBLISH or a SUBSCRIBE only once the store has synced it to disk: nothing acknowledged is lost even to `kill -9` or a power cut, at a cost in throughput (docs/performance.md)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -f -a "passwd" -d 'Add or update a user in a password file (mosquitto_passwd\'s format). The password is read from a prompt on a terminal, else from the first line of stdin'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from passwd" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from passwd" -s D -l delete -d 'Delete the user instead of setting a password'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from passwd" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Add or update a user in a password file (mosquitto_passwd\'s format). The password is read from a prompt on a terminal, else from the first line of stdin'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "pubsub" -d 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "pub" -d 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "sub" -d 'Subscribers only: the receive rate of messages published by something else'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "conn" -d 'Connections: connect rate, CONNACK latency, memory while holding them'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "merge" -d 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and not __fish_seen_subcommand_from pubsub pub sub conn merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s c -l clients -d 'Publishing clients' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l subscribers -d 'Subscribing clients, each subscribed to every publisher\'s topic [pubsub default: 1]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l rate -d 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l interval -d 'Time between two messages of each publisher, instead of --rate (the total rate is then clients / interval)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l count -d 'Messages in total (warm-up included), shared by the publishers' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l duration -d 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l warmup -d 'Time before the measurement, excluded from every figure' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l size -d 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s q -l qos -d 'QoS of publishes and subscriptions' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s t -l topic -d 'Topic template: %i the publisher\'s index (from 0), %c its client id, %h this machine\'s host name, %% a percent sign' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l inflight -d 'Unacknowledged QoS 1/2 messages per publisher (an MQTT 5 broker\'s Receive Maximum lowers it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-rate -d 'New connections per second while connecting [default: all at once]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l tick -d 'The shortest time between two wake-ups of a publisher: messages due in between go out together at the next one, and their latency counts the wait. 0 sends every message at its own time, at the CPU cost of one timer per message [default: 0 up to 2,000 messages/s in total, else publishers / 2,000 s, so that the run wakes ~2,000 times a second]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l client-prefix -d 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l ifaddr -d 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l threads -d 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -s r -l retain -d 'Publish with the retain flag (the broker keeps the last message of every topic)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l json -d 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l quiet -d 'No progress lines on stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pubsub" -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s c -l clients -d 'Publishing clients' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l subscribers -d 'Subscribing clients, each subscribed to every publisher\'s topic [pubsub default: 1]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l rate -d 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l interval -d 'Time between two messages of each publisher, instead of --rate (the total rate is then clients / interval)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l count -d 'Messages in total (warm-up included), shared by the publishers' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l duration -d 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l warmup -d 'Time before the measurement, excluded from every figure' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l size -d 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s q -l qos -d 'QoS of publishes and subscriptions' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s t -l topic -d 'Topic template: %i the publisher\'s index (from 0), %c its client id, %h this machine\'s host name, %% a percent sign' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l inflight -d 'Unacknowledged QoS 1/2 messages per publisher (an MQTT 5 broker\'s Receive Maximum lowers it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-rate -d 'New connections per second while connecting [default: all at once]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l tick -d 'The shortest time between two wake-ups of a publisher: messages due in between go out together at the next one, and their latency counts the wait. 0 sends every message at its own time, at the CPU cost of one timer per message [default: 0 up to 2,000 messages/s in total, else publishers / 2,000 s, so that the run wakes ~2,000 times a second]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l client-prefix -d 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l ifaddr -d 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l threads -d 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -s r -l retain -d 'Publish with the retain flag (the broker keeps the last message of every topic)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l json -d 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l quiet -d 'No progress lines on stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from pub" -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s c -l clients -d 'Subscribing clients, each subscribed to the filter' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s t -l topic -d 'Topic filter to subscribe to' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s q -l qos -d 'Requested QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l count -d 'Stop after this many messages received by all subscribers together' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l duration -d 'Stop after this long [default: 10s unless --count is given]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-rate -d 'New connections per second while connecting [default: all at once]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l client-prefix -d 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l ifaddr -d 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l threads -d 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l json -d 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l quiet -d 'No progress lines on stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from sub" -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s c -l clients -d 'Connections to open (raise `ulimit -n` for thousands)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-rate -d 'New connections per second' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l duration -d 'How long to hold the connections once all are open' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l client-prefix -d 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l ifaddr -d 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l threads -d 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l json -d 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l quiet -d 'No progress lines on stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from conn" -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from merge" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from merge" -l json -d 'Write the combined report as JSON instead of the summary'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from merge" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "pubsub" -d 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "pub" -d 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Subscribers only: the receive rate of messages published by something else'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "conn" -d 'Connections: connect rate, CONNACK latency, memory while holding them'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s t -l topic -d 'Topic filter to subscribe to (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s o -l output -d 'Write the NDJSON recording to this file (truncated) instead of stdout' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l db -d 'Also (or, without -o, only) write the messages into this SQLite database, table `messages` (created if missing, appended to otherwise)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s q -l qos -d 'The subscriptions\' QoS (2: every message is recorded at the QoS it was published with)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s C -l count -d 'Exit after this many messages' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s W -l timeout -d 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l duration -d 'Stop (successfully) after recording for this long' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand record" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l speed -d 'Pace: a factor of the recorded gaps (2x, 0.5x) or max (as fast as the broker acknowledges)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l loop -d 'Play the recording this many times, or forever' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s t -l topic -d 'Replay only messages whose recorded topic matches this filter (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l remap -d 'Publish a topic starting with FROM with TO instead (repeatable; the first match applies)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l retain -d 'keep: publish with the recorded retain flag; drop: never retain' -r -f -a "keep\t'The message\'s own retain flag (for replay: as recorded)'
drop\t'Never retain'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l skip-bad -d 'Go on past an entry that is not a valid record (counted as failed), instead of stopping with its line number'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l json -d 'Print the summary as one JSON object on stdout'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand replay" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s t -l topic -d 'Topic filter to watch (repeatable) [default: #]; $SYS/# is always added for the broker panel' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s q -l qos -d 'The subscriptions\' QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l history -d 'Messages kept per topic (for the detail pane and the sparkline)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l presence -d 'Presence as `status --watch FILTER` sees it (e.g. \'devices/+/status\'), instead of any …/status topic saying online or offline' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l fps -d 'Frames drawn per second at most' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s h -l host -d 'Broker host' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s p -l port -d 'Broker port [default: 1883, or 8883 with TLS]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s L -l url -d 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s V -l protocol-version -d 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s i -l id -d 'Client id [default: mqttkit-<command>-<pid>]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s I -l id-prefix -d 'Client id prefix; the process id is appended' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s k -l keepalive -d 'Keep-alive interval in seconds (0 disables it)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s x -l session-expiry -d 'Session expiry interval in seconds (MQTT 5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l connect-timeout -d 'How long to wait for the connection and CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s u -l username -d 'Username' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s P -l pw -d 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l pw-file -d 'Read the password from the first line of this file (UTF-8)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l will-topic -d 'Will topic, published by the broker if this client vanishes without DISCONNECT' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l will-payload -d 'Will payload' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l will-qos -d 'Will QoS' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l max-reconnects -d 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l cafile -d 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l capath -d 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l cert -d 'Client certificate chain (PEM) for brokers that require one; needs --key' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l key -d 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -s c -l disable-clean-session -d 'Keep the session when disconnected (clean session 0); needs -i'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l will-retain -d 'Retain the will'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand top" -l insecure -d 'Do not verify the broker\'s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -s t -l topic -d 'Forward messages matching this filter (repeatable)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l remap -d 'Forward a topic starting with FROM with TO instead (repeatable; the first match applies). With --both, the other direction maps TO back to FROM' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -s q -l max-qos -d 'The highest QoS forwarded: a message goes on at the lower of its own QoS and this (2: see docs/bridge.md for what rumqttc does with QoS 2 after a restart)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l retain -d 'keep: forward the retain flag; drop: never retain on the destination' -r -f -a "keep\t'The message\'s own retain flag (for replay: as recorded)'
drop\t'Never retain'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l name -d 'The bridge\'s name: the client ids are NAME-from and NAME-to, and a persistent session is found again by them after a restart' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l queue -d 'Messages held between the two sides, at most (QoS 0 messages beyond it are dropped; QoS 1/2 wait unacknowledged at the source broker)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l drain-timeout -d 'On Ctrl-C or SIGTERM, wait at most this long for what is in flight to be acknowledged' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l stats-interval -d 'How often -v and --json report the counters' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -s k -l keepalive -d 'Keep-alive interval in seconds on both sides' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l connect-timeout -d 'How long to wait for each connection and its CONNACK' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l max-reconnects -d 'Give up after this many reconnection attempts on one side (default: never)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from -d 'The broker: mqtt://[user[:password]@]host[:port], mqtts:// (TLS), ws://, wss://' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-version -d 'MQTT protocol version on this side: 311 or 5' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-id -d 'Client id on this side [default: NAME-<side>, see --name]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-user -d 'Username (or in the URL)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-pw-file -d 'Read the password from the first line of this file (or give it in the URL)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-cafile -d 'Trust the CA certificates in this PEM file; turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-capath -d 'Trust every PEM CA certificate in this directory; turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-cert -d 'Client certificate chain (PEM); needs the matching -key flag' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-key -d 'Private key (PEM) of the -cert flag' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to -d 'The broker: mqtt://[user[:password]@]host[:port], mqtts:// (TLS), ws://, wss://' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-version -d 'MQTT protocol version on this side: 311 or 5' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-id -d 'Client id on this side [default: NAME-<side>, see --name]' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-user -d 'Username (or in the URL)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-pw-file -d 'Read the password from the first line of this file (or give it in the URL)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-cafile -d 'Trust the CA certificates in this PEM file; turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-capath -d 'Trust every PEM CA certificate in this directory; turns TLS on' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-cert -d 'Client certificate chain (PEM); needs the matching -key flag' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-key -d 'Private key (PEM) of the -cert flag' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l both -d 'Forward both ways: the --to broker\'s messages matching the (remapped) filters go to the --from broker too. Needs MQTT 5 on both sides (No Local keeps a message from coming back)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -s v -l verbose -d 'Print the counters to stderr every --stats-interval'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l json -d 'Events (connections, counters, the summary) as JSON lines on stdout'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -s d -l debug -d 'Log the protocol exchange to stderr'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l help -d 'Print help'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l from-insecure -d 'Do not verify this broker\'s certificate (testing only); turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand bridge" -l to-insecure -d 'Do not verify this broker\'s certificate (testing only); turns TLS on'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'The man page `mqttkit.1`'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'The man page `mqttkit.1`'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "pub" -d 'Publish messages (mosquitto_pub\'s flags)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "sub" -d 'Subscribe and print messages (mosquitto_sub\'s flags and output)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "sim" -d 'Simulate sensors publishing telemetry (temperature, pressure, …)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "status" -d 'Announce a device\'s presence (retained "online", a will of "offline"), or watch many'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "demo" -d 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "broker" -d 'Run the bundled broker: MQTT 3.1.1 and 5 on one port'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "bench" -d 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "record" -d 'Record messages losslessly to NDJSON (and/or an SQLite database) for replay'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "replay" -d 'Publish a recording again, at its recorded pace (scaled by --speed) or as fast as the broker acknowledges'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "top" -d 'A live terminal view of a broker: topic tree, values, history, presence, $SYS'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "bridge" -d 'Forward messages from one broker to another (or both ways), acknowledging each to the source only once the destination has it'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "generate" -d 'Write shell completions or the man page (used to refresh the committed copies)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from pub sub sim status demo broker bench record replay top bridge generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from broker" -f -a "passwd" -d 'Add or update a user in a password file (mosquitto_passwd\'s format). The password is read from a prompt on a terminal, else from the first line of stdin'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "pubsub" -d 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "pub" -d 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "sub" -d 'Subscribers only: the receive rate of messages published by something else'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "conn" -d 'Connections: connect rate, CONNACK latency, memory while holding them'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "merge" -d 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man page `mqttkit.1`'

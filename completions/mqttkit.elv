
use builtin;
use str;

set edit:completion:arg-completer[mqttkit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mqttkit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mqttkit'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -v 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
            cand --verbose 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pub 'Publish messages (mosquitto_pub''s flags)'
            cand sub 'Subscribe and print messages (mosquitto_sub''s flags and output)'
            cand sim 'Simulate sensors publishing telemetry (temperature, pressure, …)'
            cand demo 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute'
            cand broker 'Run the bundled MQTT 3.1.1 broker'
            cand bench 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks'
            cand generate 'Write shell completions or the man page (used to refresh the committed copies)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;pub'= {
            cand -t 'Topic to publish to (or the path of -L''s URL)'
            cand --topic 'Topic to publish to (or the path of -L''s URL)'
            cand -m 'Message payload'
            cand --message 'Message payload'
            cand -f 'Send the contents of a file as one message'
            cand --file 'Send the contents of a file as one message'
            cand -q 'Quality of service'
            cand --qos 'Quality of service'
            cand --repeat 'Publish the message this many times'
            cand --repeat-delay 'Wait this long between repeats (seconds, or e.g. 500ms)'
            cand --user-property 'A user property KEY=VALUE (MQTT 5; repeatable)'
            cand --content-type 'The payload''s content type, e.g. application/json (MQTT 5)'
            cand --response-topic 'Topic for a response (MQTT 5)'
            cand --correlation-data 'Correlation data for a response (MQTT 5)'
            cand --message-expiry 'Message expiry interval: seconds, or a duration such as 5m (MQTT 5)'
            cand --payload-format-indicator 'Payload format indicator: 0 unspecified bytes, 1 UTF-8 text (MQTT 5)'
            cand -D 'A property in mosquitto_pub''s form: -D publish user-property KEY VALUE, or -D publish NAME VALUE for content-type, response-topic, correlation-data, message-expiry-interval and payload-format-indicator (repeatable)'
            cand --property 'A property in mosquitto_pub''s form: -D publish user-property KEY VALUE, or -D publish NAME VALUE for content-type, response-topic, correlation-data, message-expiry-interval and payload-format-indicator (repeatable)'
            cand -h 'Broker host'
            cand --host 'Broker host'
            cand -p 'Broker port [default: 1883, or 8883 with TLS]'
            cand --port 'Broker port [default: 1883, or 8883 with TLS]'
            cand -L 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand --url 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand -V 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand --protocol-version 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand -i 'Client id [default: mqttkit-<command>-<pid>]'
            cand --id 'Client id [default: mqttkit-<command>-<pid>]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keep-alive interval in seconds (0 disables it)'
            cand --keepalive 'Keep-alive interval in seconds (0 disables it)'
            cand -x 'Session expiry interval in seconds (MQTT 5)'
            cand --session-expiry 'Session expiry interval in seconds (MQTT 5)'
            cand --connect-timeout 'How long to wait for the connection and CONNACK'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw-file 'Read the password from the first line of this file'
            cand --will-topic 'Will topic, published by the broker if this client vanishes without DISCONNECT'
            cand --will-payload 'Will payload'
            cand --will-qos 'Will QoS'
            cand --max-reconnects 'Give up after this many reconnection attempts (long-running commands; default: never)'
            cand --cafile 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on'
            cand --capath 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on'
            cand --cert 'Client certificate chain (PEM) for brokers that require one; needs --key'
            cand --key 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -s 'Send all of stdin as one message'
            cand --stdin-file 'Send all of stdin as one message'
            cand -l 'Send each line of stdin as a message (only the `\n` is removed; an empty line is an empty message)'
            cand --stdin-line 'Send each line of stdin as a message (only the `\n` is removed; an empty line is an empty message)'
            cand -n 'Send an empty (zero-length) message'
            cand --null-message 'Send an empty (zero-length) message'
            cand -r 'Retain the message'
            cand --retain 'Retain the message'
            cand -d 'Log the protocol exchange to stderr'
            cand --debug 'Log the protocol exchange to stderr'
            cand --help 'Print help'
            cand -c 'Keep the session when disconnected (clean session 0); needs -i'
            cand --disable-clean-session 'Keep the session when disconnected (clean session 0); needs -i'
            cand --will-retain 'Retain the will'
            cand --insecure 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
        }
        &'mqttkit;sub'= {
            cand -t 'Topic filter to subscribe to (repeatable)'
            cand --topic 'Topic filter to subscribe to (repeatable)'
            cand -T 'Do not print messages whose topic matches this filter (repeatable)'
            cand --filter-out 'Do not print messages whose topic matches this filter (repeatable)'
            cand -U 'Unsubscribe from this filter after connecting (repeatable; with -c, cleans a persistent session)'
            cand --unsubscribe 'Unsubscribe from this filter after connecting (repeatable; with -c, cleans a persistent session)'
            cand -q 'Requested QoS'
            cand --qos 'Requested QoS'
            cand -C 'Exit after this many messages (those that pass -T and -R)'
            cand --count 'Exit after this many messages (those that pass -T and -R)'
            cand -W 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)'
            cand --timeout 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)'
            cand -F 'Print each message with this template (mosquitto_sub''s -F specifiers)'
            cand --format 'Print each message with this template (mosquitto_sub''s -F specifiers)'
            cand -h 'Broker host'
            cand --host 'Broker host'
            cand -p 'Broker port [default: 1883, or 8883 with TLS]'
            cand --port 'Broker port [default: 1883, or 8883 with TLS]'
            cand -L 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand --url 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand -V 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand --protocol-version 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand -i 'Client id [default: mqttkit-<command>-<pid>]'
            cand --id 'Client id [default: mqttkit-<command>-<pid>]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keep-alive interval in seconds (0 disables it)'
            cand --keepalive 'Keep-alive interval in seconds (0 disables it)'
            cand -x 'Session expiry interval in seconds (MQTT 5)'
            cand --session-expiry 'Session expiry interval in seconds (MQTT 5)'
            cand --connect-timeout 'How long to wait for the connection and CONNACK'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw-file 'Read the password from the first line of this file'
            cand --will-topic 'Will topic, published by the broker if this client vanishes without DISCONNECT'
            cand --will-payload 'Will payload'
            cand --will-qos 'Will QoS'
            cand --max-reconnects 'Give up after this many reconnection attempts (long-running commands; default: never)'
            cand --cafile 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on'
            cand --capath 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on'
            cand --cert 'Client certificate chain (PEM) for brokers that require one; needs --key'
            cand --key 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -E 'Exit right after the subscriptions are acknowledged'
            cand --exit-after-subscribe 'Exit right after the subscriptions are acknowledged'
            cand -R 'Ignore retained (stale) messages'
            cand --no-retained 'Ignore retained (stale) messages'
            cand --retained-only 'Print only retained messages; exit at the first message that is not retained'
            cand --remove-retained 'Clear each retained message received by publishing an empty retained message to its topic'
            cand -v 'Print `topic payload` instead of the payload alone'
            cand --verbose 'Print `topic payload` instead of the payload alone'
            cand -N 'Do not print a newline after each message'
            cand --no-eol 'Do not print a newline after each message'
            cand --json 'Print each message as one JSON object per line'
            cand -d 'Log the protocol exchange to stderr'
            cand --debug 'Log the protocol exchange to stderr'
            cand --help 'Print help'
            cand -c 'Keep the session when disconnected (clean session 0); needs -i'
            cand --disable-clean-session 'Keep the session when disconnected (clean session 0); needs -i'
            cand --will-retain 'Retain the will'
            cand --insecure 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
        }
        &'mqttkit;sim'= {
            cand --devices 'Number of devices, named PREFIX1, PREFIX2, … [default: 1]'
            cand --device-prefix 'Device name prefix; the device''s number follows it'
            cand --sensor 'A sensor per device: KIND[:INTERVAL[:MIN..MAX]] (repeatable). Kinds: temperature (3s, 20..30 C), pressure (500ms, 990..1020 hPa), humidity, battery, co2, generic; any other name with a range is a generic sensor [default: temperature and pressure]'
            cand --topic 'Topic template: {device}, {sensor}, {i} (device number)'
            cand --payload 'Payload: json, plain (just the number), or a template with {device} {i} {sensor} {value} {unit} {ts} {seq} [default: json]'
            cand --model 'Value model: walk (a bounded random walk with noise) or uniform [default: walk]'
            cand --seed 'Seed for every value, so a run can be reproduced [default: random, printed with -v]'
            cand -q 'QoS of the readings [default: 0]'
            cand --qos 'QoS of the readings [default: 0]'
            cand --count 'Stop after this many readings per sensor'
            cand --duration 'Stop after this long (e.g. 30s, 5m)'
            cand --status-topic 'Presence topic template: {device}, {i}'
            cand --scenario 'A fleet in a TOML file (see docs/sim.md); flags given as well override its settings'
            cand --buffer 'Readings each device keeps while the broker is unreachable; beyond it the oldest are dropped and counted'
            cand -h 'Broker host'
            cand --host 'Broker host'
            cand -p 'Broker port [default: 1883, or 8883 with TLS]'
            cand --port 'Broker port [default: 1883, or 8883 with TLS]'
            cand -L 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand --url 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand -V 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand --protocol-version 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand -i 'Client id [default: mqttkit-<command>-<pid>]'
            cand --id 'Client id [default: mqttkit-<command>-<pid>]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keep-alive interval in seconds (0 disables it)'
            cand --keepalive 'Keep-alive interval in seconds (0 disables it)'
            cand -x 'Session expiry interval in seconds (MQTT 5)'
            cand --session-expiry 'Session expiry interval in seconds (MQTT 5)'
            cand --connect-timeout 'How long to wait for the connection and CONNACK'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw-file 'Read the password from the first line of this file'
            cand --will-topic 'Will topic, published by the broker if this client vanishes without DISCONNECT'
            cand --will-payload 'Will payload'
            cand --will-qos 'Will QoS'
            cand --max-reconnects 'Give up after this many reconnection attempts (long-running commands; default: never)'
            cand --cafile 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on'
            cand --capath 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on'
            cand --cert 'Client certificate chain (PEM) for brokers that require one; needs --key'
            cand --key 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -r 'Retain the readings'
            cand --retain 'Retain the readings'
            cand --status 'Each device carries its presence: a will of "offline" and a retained "online" on --status-topic'
            cand --json 'Print each reading as a JSON line on stdout instead of the live status line'
            cand -v 'Log more to stderr (-v: connections, -vv: packets)'
            cand --verbose 'Log more to stderr (-v: connections, -vv: packets)'
            cand --help 'Print help'
            cand -c 'Keep the session when disconnected (clean session 0); needs -i'
            cand --disable-clean-session 'Keep the session when disconnected (clean session 0); needs -i'
            cand --will-retain 'Retain the will'
            cand --insecure 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
        }
        &'mqttkit;demo'= {
            cand -p 'Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead'
            cand --port 'Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead'
            cand --devices 'Number of simulated devices'
            cand --duration 'Stop after this long (default: until Ctrl-C)'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqttkit;broker'= {
            cand --bind 'Address to listen on'
            cand -p 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)'
            cand --port 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)'
            cand --allow-anonymous 'Accept clients that send no username'
            cand --password-file 'Users and password hashes in mosquitto_passwd''s format (`user:$7$…`)'
            cand --max-packet-size 'Largest packet accepted from a client, in bytes; a larger one closes that connection'
            cand --max-connections 'Most clients connected at once; further connections are closed at once (0: no limit)'
            cand --max-inflight 'QoS 1/2 messages in flight to one client before further ones wait in its queue'
            cand --max-queued 'Messages queued per client (online behind the in-flight window, or offline with a persistent session); when full the oldest is dropped, counted and logged'
            cand --sys-interval 'How often to publish the `$SYS/broker/…` counters (0 turns them off)'
            cand --fault-drop-after 'Fault injection: close every client''s connection after it has sent N packets (CONNECT included), without a will being suppressed'
            cand --fault-refuse-connect 'Fault injection: refuse every CONNECT with this CONNACK return code (1-5)'
            cand --fault-refuse-subscribe 'Fault injection: answer SUBSCRIBE with the failure code 0x80 for every filter that this filter matches (e.g. `private/#`)'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -v 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
            cand --verbose 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand passwd 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;broker;passwd'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -D 'Delete the user instead of setting a password'
            cand --delete 'Delete the user instead of setting a password'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqttkit;broker;help'= {
            cand passwd 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;broker;help;passwd'= {
        }
        &'mqttkit;broker;help;help'= {
        }
        &'mqttkit;bench'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pubsub 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
            cand pub 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
            cand merge 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;bench;pubsub'= {
            cand -c 'Publishing clients'
            cand --clients 'Publishing clients'
            cand --subscribers 'Subscribing clients, each subscribed to every publisher''s topic [pubsub default: 1]'
            cand --rate 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)'
            cand --count 'Messages in total (warm-up included), shared by the publishers'
            cand --duration 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]'
            cand --warmup 'Time before the measurement, excluded from every figure'
            cand --size 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)'
            cand -q 'QoS of publishes and subscriptions'
            cand --qos 'QoS of publishes and subscriptions'
            cand -t 'Topic template: %i is the publisher''s index (from 0)'
            cand --topic 'Topic template: %i is the publisher''s index (from 0)'
            cand --client-prefix 'Client id prefix; "pub-N" or "sub-N" follows [default: mqttkit-bench-PID-]'
            cand --inflight 'Unacknowledged QoS 1/2 messages per publisher (rumqttc holds at most 100)'
            cand -h 'Broker host'
            cand --host 'Broker host'
            cand -p 'Broker port [default: 1883, or 8883 with TLS]'
            cand --port 'Broker port [default: 1883, or 8883 with TLS]'
            cand -L 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand --url 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand -V 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand --protocol-version 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand -i 'Client id [default: mqttkit-<command>-<pid>]'
            cand --id 'Client id [default: mqttkit-<command>-<pid>]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keep-alive interval in seconds (0 disables it)'
            cand --keepalive 'Keep-alive interval in seconds (0 disables it)'
            cand -x 'Session expiry interval in seconds (MQTT 5)'
            cand --session-expiry 'Session expiry interval in seconds (MQTT 5)'
            cand --connect-timeout 'How long to wait for the connection and CONNACK'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw-file 'Read the password from the first line of this file'
            cand --will-topic 'Will topic, published by the broker if this client vanishes without DISCONNECT'
            cand --will-payload 'Will payload'
            cand --will-qos 'Will QoS'
            cand --max-reconnects 'Give up after this many reconnection attempts (long-running commands; default: never)'
            cand --cafile 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on'
            cand --capath 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on'
            cand --cert 'Client certificate chain (PEM) for brokers that require one; needs --key'
            cand --key 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand --json 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
            cand --quiet 'No progress lines on stderr'
            cand --help 'Print help'
            cand --will-retain 'Retain the will'
            cand --insecure 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
            cand --disable-clean-session 'Keep the session when disconnected (clean session 0); needs -i'
        }
        &'mqttkit;bench;pub'= {
            cand -c 'Publishing clients'
            cand --clients 'Publishing clients'
            cand --subscribers 'Subscribing clients, each subscribed to every publisher''s topic [pubsub default: 1]'
            cand --rate 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)'
            cand --count 'Messages in total (warm-up included), shared by the publishers'
            cand --duration 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]'
            cand --warmup 'Time before the measurement, excluded from every figure'
            cand --size 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)'
            cand -q 'QoS of publishes and subscriptions'
            cand --qos 'QoS of publishes and subscriptions'
            cand -t 'Topic template: %i is the publisher''s index (from 0)'
            cand --topic 'Topic template: %i is the publisher''s index (from 0)'
            cand --client-prefix 'Client id prefix; "pub-N" or "sub-N" follows [default: mqttkit-bench-PID-]'
            cand --inflight 'Unacknowledged QoS 1/2 messages per publisher (rumqttc holds at most 100)'
            cand -h 'Broker host'
            cand --host 'Broker host'
            cand -p 'Broker port [default: 1883, or 8883 with TLS]'
            cand --port 'Broker port [default: 1883, or 8883 with TLS]'
            cand -L 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand --url 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)'
            cand -V 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand --protocol-version 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)'
            cand -i 'Client id [default: mqttkit-<command>-<pid>]'
            cand --id 'Client id [default: mqttkit-<command>-<pid>]'
            cand -I 'Client id prefix; the process id is appended'
            cand --id-prefix 'Client id prefix; the process id is appended'
            cand -k 'Keep-alive interval in seconds (0 disables it)'
            cand --keepalive 'Keep-alive interval in seconds (0 disables it)'
            cand -x 'Session expiry interval in seconds (MQTT 5)'
            cand --session-expiry 'Session expiry interval in seconds (MQTT 5)'
            cand --connect-timeout 'How long to wait for the connection and CONNACK'
            cand -u 'Username'
            cand --username 'Username'
            cand -P 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history'
            cand --pw-file 'Read the password from the first line of this file'
            cand --will-topic 'Will topic, published by the broker if this client vanishes without DISCONNECT'
            cand --will-payload 'Will payload'
            cand --will-qos 'Will QoS'
            cand --max-reconnects 'Give up after this many reconnection attempts (long-running commands; default: never)'
            cand --cafile 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on'
            cand --capath 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on'
            cand --cert 'Client certificate chain (PEM) for brokers that require one; needs --key'
            cand --key 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert'
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand --json 'Write the report as one JSON document on stdout (schema: docs/bench.md)'
            cand --quiet 'No progress lines on stderr'
            cand --help 'Print help'
            cand --will-retain 'Retain the will'
            cand --insecure 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on'
            cand --disable-clean-session 'Keep the session when disconnected (clean session 0); needs -i'
        }
        &'mqttkit;bench;merge'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand --json 'Write the combined report as JSON instead of the summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqttkit;bench;help'= {
            cand pubsub 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
            cand pub 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
            cand merge 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;bench;help;pubsub'= {
        }
        &'mqttkit;bench;help;pub'= {
        }
        &'mqttkit;bench;help;merge'= {
        }
        &'mqttkit;bench;help;help'= {
        }
        &'mqttkit;generate'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'The man page `mqttkit.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;generate;completions'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqttkit;generate;man'= {
            cand --color 'When to colour output: auto (a terminal without NO_COLOR), always or never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mqttkit;generate;help'= {
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'The man page `mqttkit.1`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;generate;help;completions'= {
        }
        &'mqttkit;generate;help;man'= {
        }
        &'mqttkit;generate;help;help'= {
        }
        &'mqttkit;help'= {
            cand pub 'Publish messages (mosquitto_pub''s flags)'
            cand sub 'Subscribe and print messages (mosquitto_sub''s flags and output)'
            cand sim 'Simulate sensors publishing telemetry (temperature, pressure, …)'
            cand demo 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute'
            cand broker 'Run the bundled MQTT 3.1.1 broker'
            cand bench 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks'
            cand generate 'Write shell completions or the man page (used to refresh the committed copies)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;help;pub'= {
        }
        &'mqttkit;help;sub'= {
        }
        &'mqttkit;help;sim'= {
        }
        &'mqttkit;help;demo'= {
        }
        &'mqttkit;help;broker'= {
            cand passwd 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin'
        }
        &'mqttkit;help;broker;passwd'= {
        }
        &'mqttkit;help;bench'= {
            cand pubsub 'Publishers and subscribers in one run: end-to-end latency and delivery checks'
            cand pub 'Publishers only: publish rate, and publish→ack latency at QoS 1/2'
            cand merge 'Combine JSON reports of runs made at the same time (e.g. from several machines)'
        }
        &'mqttkit;help;bench;pubsub'= {
        }
        &'mqttkit;help;bench;pub'= {
        }
        &'mqttkit;help;bench;merge'= {
        }
        &'mqttkit;help;generate'= {
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'The man page `mqttkit.1`'
        }
        &'mqttkit;help;generate;completions'= {
        }
        &'mqttkit;help;generate;man'= {
        }
        &'mqttkit;help;help'= {
        }
    ]
    $completions[$command]
}

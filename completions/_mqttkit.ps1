
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mqttkit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mqttkit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mqttkit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (mosquitto_pub''s flags)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe and print messages (mosquitto_sub''s flags and output)')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Simulate sensors publishing telemetry (temperature, pressure, …)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Announce a device''s presence (retained "online", a will of "offline"), or watch many')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the bundled broker: MQTT 3.1.1 and 5 on one port')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record messages losslessly to NDJSON (and/or an SQLite database) for replay')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Publish a recording again, at its recorded pace (scaled by --speed) or as fast as the broker acknowledges')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live terminal view of a broker: topic tree, values, history, presence, $SYS')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'Forward messages from one broker to another (or both ways), acknowledging each to the source only once the destination has it')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (used to refresh the committed copies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;pub' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to publish to (or the path of -L''s URL)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to publish to (or the path of -L''s URL)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'Message payload')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Send the contents of a file as one message')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send the contents of a file as one message')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Quality of service')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Quality of service')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Publish the message this many times')
            [CompletionResult]::new('--repeat-delay', '--repeat-delay', [CompletionResultType]::ParameterName, 'Wait this long between repeats (seconds, or e.g. 500ms)')
            [CompletionResult]::new('--user-property', '--user-property', [CompletionResultType]::ParameterName, 'A user property KEY=VALUE (MQTT 5; repeatable)')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'The payload''s content type, e.g. application/json (MQTT 5)')
            [CompletionResult]::new('--response-topic', '--response-topic', [CompletionResultType]::ParameterName, 'Topic for a response (MQTT 5)')
            [CompletionResult]::new('--correlation-data', '--correlation-data', [CompletionResultType]::ParameterName, 'Correlation data for a response (MQTT 5)')
            [CompletionResult]::new('--message-expiry', '--message-expiry', [CompletionResultType]::ParameterName, 'Message expiry interval: seconds, or a duration such as 5m (MQTT 5)')
            [CompletionResult]::new('--payload-format-indicator', '--payload-format-indicator', [CompletionResultType]::ParameterName, 'Payload format indicator: 0 unspecified bytes, 1 UTF-8 text (MQTT 5)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'A property in mosquitto_pub''s form: -D publish user-property KEY VALUE, or -D publish NAME VALUE for content-type, response-topic, correlation-data, message-expiry-interval and payload-format-indicator (repeatable)')
            [CompletionResult]::new('--property', '--property', [CompletionResultType]::ParameterName, 'A property in mosquitto_pub''s form: -D publish user-property KEY VALUE, or -D publish NAME VALUE for content-type, response-topic, correlation-data, message-expiry-interval and payload-format-indicator (repeatable)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Send all of stdin as one message')
            [CompletionResult]::new('--stdin-file', '--stdin-file', [CompletionResultType]::ParameterName, 'Send all of stdin as one message')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Send each line of stdin as a message (only the `\n` is removed; an empty line is an empty message). Reconnects after a lost connection and resends what was not acknowledged (--max-reconnects to give up)')
            [CompletionResult]::new('--stdin-line', '--stdin-line', [CompletionResultType]::ParameterName, 'Send each line of stdin as a message (only the `\n` is removed; an empty line is an empty message). Reconnects after a lost connection and resends what was not acknowledged (--max-reconnects to give up)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Send an empty (zero-length) message')
            [CompletionResult]::new('--null-message', '--null-message', [CompletionResultType]::ParameterName, 'Send an empty (zero-length) message')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Retain the message')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Retain the message')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;sub' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable)')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Do not print messages whose topic matches this filter (repeatable)')
            [CompletionResult]::new('--filter-out', '--filter-out', [CompletionResultType]::ParameterName, 'Do not print messages whose topic matches this filter (repeatable)')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Unsubscribe from this filter after connecting (repeatable; with -c, cleans a persistent session)')
            [CompletionResult]::new('--unsubscribe', '--unsubscribe', [CompletionResultType]::ParameterName, 'Unsubscribe from this filter after connecting (repeatable; with -c, cleans a persistent session)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Requested QoS')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Requested QoS')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Exit after this many messages (those that pass -T and -R)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after this many messages (those that pass -T and -R)')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Print each message with this template (mosquitto_sub''s -F specifiers)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Print each message with this template (mosquitto_sub''s -F specifiers)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-E', '-E ', [CompletionResultType]::ParameterName, 'Exit right after the subscriptions are acknowledged')
            [CompletionResult]::new('--exit-after-subscribe', '--exit-after-subscribe', [CompletionResultType]::ParameterName, 'Exit right after the subscriptions are acknowledged')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Ignore retained (stale) messages')
            [CompletionResult]::new('--no-retained', '--no-retained', [CompletionResultType]::ParameterName, 'Ignore retained (stale) messages')
            [CompletionResult]::new('--retained-only', '--retained-only', [CompletionResultType]::ParameterName, 'Print only retained messages; exit at the first message that is not retained')
            [CompletionResult]::new('--remove-retained', '--remove-retained', [CompletionResultType]::ParameterName, 'Clear each retained message received by publishing an empty retained message to its topic')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print `topic payload` instead of the payload alone')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print `topic payload` instead of the payload alone')
            [CompletionResult]::new('-N', '-N ', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--no-eol', '--no-eol', [CompletionResultType]::ParameterName, 'Do not print a newline after each message')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each message as one JSON object per line')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Print the JSON of -F''s %j and %J indented over several lines (as mosquitto_sub); --json stays one object per line')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;sim' {
            [CompletionResult]::new('--devices', '--devices', [CompletionResultType]::ParameterName, 'Number of devices, named PREFIX1, PREFIX2, … [default: 1]')
            [CompletionResult]::new('--device-prefix', '--device-prefix', [CompletionResultType]::ParameterName, 'Device name prefix; the device''s number follows it')
            [CompletionResult]::new('--sensor', '--sensor', [CompletionResultType]::ParameterName, 'A sensor per device: KIND[:INTERVAL[:MIN..MAX]] (repeatable). Kinds: temperature (3s, 20..30 C), pressure (500ms, 990..1020 hPa), humidity, battery, co2, generic; any other name with a range is a generic sensor [default: temperature and pressure]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic template: {device}, {sensor}, {i} (device number)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Payload: json, plain (just the number), or a template with {device} {i} {sensor} {value} {unit} {ts} {seq} [default: json]')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Value model: walk (a bounded random walk with noise) or uniform [default: walk]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for every value, so a run can be reproduced [default: random, printed with -v]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'QoS of the readings [default: 0]')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of the readings [default: 0]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many readings per sensor')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (e.g. 30s, 5m)')
            [CompletionResult]::new('--status-topic', '--status-topic', [CompletionResultType]::ParameterName, 'Presence topic template: {device}, {i}')
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'A fleet in a TOML file (see docs/sim.md); flags given as well override its settings')
            [CompletionResult]::new('--buffer', '--buffer', [CompletionResultType]::ParameterName, 'Readings each device keeps while the broker is unreachable; beyond it the oldest are dropped and counted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Retain the readings')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Retain the readings')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Each device carries its presence: a will of "offline" and a retained "online" on --status-topic')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print each reading as a JSON line on stdout instead of the live status line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections, -vv: packets)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections, -vv: packets)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;status' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'The device''s status topic: its will says "offline" there, and it keeps a retained "online" there while connected')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'The device''s status topic: its will says "offline" there, and it keeps a retained "online" there while connected')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Heartbeat: publish "online" again this often')
            [CompletionResult]::new('--online', '--online', [CompletionResultType]::ParameterName, 'The "online" payload')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'The "offline" payload (will and clean stop)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Watch the devices whose status topics match this filter (e.g. ''devices/+/status''): a live table on a terminal, a line per change otherwise')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'With --watch: exit 0 once every known device is in this state (and at least --expect-count are known); with --timeout, exit 27 if that does not happen in time')
            [CompletionResult]::new('--expect-count', '--expect-count', [CompletionResultType]::ParameterName, 'With --expect: how many devices must be known')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --watch: give up after this long (exit 27, "Timed out")')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'With -t: JSON payloads {"status","ts","uptime_s"} (the will''s ts is the connect time). With --watch: one JSON object per change')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;demo' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead')
            [CompletionResult]::new('--devices', '--devices', [CompletionResultType]::ParameterName, 'Number of simulated devices')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (default: until Ctrl-C, or q in top)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--plain', '--plain', [CompletionResultType]::ParameterName, 'Print a scrolling log of the messages instead of opening `top` (what the demo does anyway when stdout is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqttkit;broker' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Read mosquitto''s configuration file (listeners, TLS, authentication, ACLs, limits; see docs/broker.md). Flags given as well override its settings; the listener flags cannot be combined with it')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'Read mosquitto''s configuration file (listeners, TLS, authentication, ACLs, limits; see docs/broker.md). Flags given as well override its settings; the listener flags cannot be combined with it')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)')
            [CompletionResult]::new('--tls-port', '--tls-port', [CompletionResultType]::ParameterName, 'Also listen for MQTT over TLS on this port (0 takes a free one); needs --cert and --key')
            [CompletionResult]::new('--ws-port', '--ws-port', [CompletionResultType]::ParameterName, 'Also listen for MQTT over WebSocket on this port, any path (0 takes a free one)')
            [CompletionResult]::new('--wss-port', '--wss-port', [CompletionResultType]::ParameterName, 'Also listen for MQTT over WebSocket over TLS on this port (0 takes a free one); needs --cert and --key')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'The TLS listeners'' certificate chain (PEM)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'CA certificates (PEM) that client certificates on the TLS listeners must chain to; a client may still come without one unless --require-certificate')
            [CompletionResult]::new('--allow-anonymous', '--allow-anonymous', [CompletionResultType]::ParameterName, 'Accept clients that send no username [default: true; with -c, false, as mosquitto]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Users and password hashes in mosquitto_passwd''s format (`user:$7$…`). SIGHUP reads it again')
            [CompletionResult]::new('--acl-file', '--acl-file', [CompletionResultType]::ParameterName, 'Access control list in mosquitto''s acl_file format (`user`, `topic [read|write| readwrite|deny] FILTER`, `pattern` with %c and %u). SIGHUP reads it again')
            [CompletionResult]::new('--max-packet-size', '--max-packet-size', [CompletionResultType]::ParameterName, 'Largest packet accepted from a client, in bytes (announced to MQTT 5 clients); a larger one closes that connection (MQTT 5: DISCONNECT 0x95) [default: 268435455]')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most clients connected at once; further ones are refused with CONNACK "quota exceeded" (MQTT 5 0x97, 3.1.1 return code 3) (0: no limit) [default: 0]')
            [CompletionResult]::new('--max-keepalive', '--max-keepalive', [CompletionResultType]::ParameterName, 'Largest keep-alive an MQTT 5 client gets, in seconds: one asking for more, or for none, is told this one in CONNACK (Server Keep Alive). 3.1.1 clients keep theirs (0: no cap) [default: 60]')
            [CompletionResult]::new('--receive-maximum', '--receive-maximum', [CompletionResultType]::ParameterName, 'Receive Maximum announced to MQTT 5 clients: QoS 2 messages a client may have unreleased at once; one more is answered with DISCONNECT 0x93')
            [CompletionResult]::new('--topic-alias-maximum', '--topic-alias-maximum', [CompletionResultType]::ParameterName, 'Topic Alias Maximum announced to MQTT 5 clients (0: no topic aliases from clients)')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'QoS 1/2 messages in flight to one client before further ones wait in its queue [default: 20]')
            [CompletionResult]::new('--max-queued', '--max-queued', [CompletionResultType]::ParameterName, 'Messages queued per client (online behind the in-flight window, or offline with a persistent session); when full the oldest is dropped, counted and logged [default: 1000]')
            [CompletionResult]::new('--slow-consumer-timeout', '--slow-consumer-timeout', [CompletionResultType]::ParameterName, 'Flow control: while a connected subscriber''s queue is over half of --max-queued, the broker stops reading from the clients publishing to it, until it is down to a quarter; a subscriber that holds them back longer than this is treated as stuck (its oldest messages are dropped when its queue is full, counted) and no longer slows anyone down. 0 turns flow control off [default: 5s]')
            [CompletionResult]::new('--sys-interval', '--sys-interval', [CompletionResultType]::ParameterName, 'How often to publish the `$SYS/broker/…` counters (0 turns them off) [default: 10s]')
            [CompletionResult]::new('--persistence', '--persistence', [CompletionResultType]::ParameterName, 'Keep sessions, subscriptions, queued and in-flight QoS 1/2 messages, QoS 2 state, retained messages and delayed wills in DIR/mqttkit.db across restarts (mosquitto''s `persistence true` with `persistence_location DIR`)')
            [CompletionResult]::new('--autosave-interval', '--autosave-interval', [CompletionResultType]::ParameterName, 'Without --persistence-sync: how often changes are committed to the store; `kill -9` loses at most this much (mosquitto''s `autosave_interval`) [default: 1s]')
            [CompletionResult]::new('--fault-drop-after', '--fault-drop-after', [CompletionResultType]::ParameterName, 'Fault injection: close every client''s connection after it has sent N packets (CONNECT included), without a will being suppressed')
            [CompletionResult]::new('--fault-refuse-connect', '--fault-refuse-connect', [CompletionResultType]::ParameterName, 'Fault injection: refuse every CONNECT with this code: a 3.1.1 return code (1-5) or an MQTT 5 CONNACK reason code (128-159, or 0x80-0x9f), each translated for clients of the other version')
            [CompletionResult]::new('--fault-refuse-subscribe', '--fault-refuse-subscribe', [CompletionResultType]::ParameterName, 'Fault injection: answer SUBSCRIBE with the failure code 0x80 for every filter that this filter matches (e.g. `private/#`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--lenient', '--lenient', [CompletionResultType]::ParameterName, 'With -c: a directive the broker does not implement is a warning, not an error')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
            [CompletionResult]::new('--require-certificate', '--require-certificate', [CompletionResultType]::ParameterName, 'Refuse TLS clients without a certificate signed by --cafile')
            [CompletionResult]::new('--use-identity-as-username', '--use-identity-as-username', [CompletionResultType]::ParameterName, 'On the TLS listeners, the client certificate''s Common Name is the username (and the certificate the credential: no password is checked); needs --cafile')
            [CompletionResult]::new('--persistence-sync', '--persistence-sync', [CompletionResultType]::ParameterName, 'Acknowledge a QoS 1/2 PUBLISH or a SUBSCRIBE only once the store has synced it to disk: nothing acknowledged is lost even to `kill -9` or a power cut, at a cost in throughput (docs/performance.md)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;broker;passwd' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Delete the user instead of setting a password')
            [CompletionResult]::new('--delete', '--delete', [CompletionResultType]::ParameterName, 'Delete the user instead of setting a password')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqttkit;broker;help' {
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;broker;help;passwd' {
            break
        }
        'mqttkit;broker;help;help' {
            break
        }
        'mqttkit;bench' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publishers and subscribers in one run: end-to-end latency and delivery checks')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publishers only: publish rate, and publish→ack latency at QoS 1/2')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribers only: the receive rate of messages published by something else')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Connections: connect rate, CONNACK latency, memory while holding them')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine JSON reports of runs made at the same time (e.g. from several machines)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;bench;pubsub' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Publishing clients')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Publishing clients')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Subscribing clients, each subscribed to every publisher''s topic [pubsub default: 1]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two messages of each publisher, instead of --rate (the total rate is then clients / interval)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (warm-up included), shared by the publishers')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Time before the measurement, excluded from every figure')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic template: %i the publisher''s index (from 0), %c its client id, %h this machine''s host name, %% a percent sign')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic template: %i the publisher''s index (from 0), %c its client id, %h this machine''s host name, %% a percent sign')
            [CompletionResult]::new('--inflight', '--inflight', [CompletionResultType]::ParameterName, 'Unacknowledged QoS 1/2 messages per publisher (an MQTT 5 broker''s Receive Maximum lowers it)')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second while connecting [default: all at once]')
            [CompletionResult]::new('--tick', '--tick', [CompletionResultType]::ParameterName, 'The shortest time between two wake-ups of a publisher: messages due in between go out together at the next one, and their latency counts the wait. 0 sends every message at its own time, at the CPU cost of one timer per message [default: 0 up to 2,000 messages/s in total, else publishers / 2,000 s, so that the run wakes ~2,000 times a second]')
            [CompletionResult]::new('--client-prefix', '--client-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]')
            [CompletionResult]::new('--ifaddr', '--ifaddr', [CompletionResultType]::ParameterName, 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Publish with the retain flag (the broker keeps the last message of every topic)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag (the broker keeps the last message of every topic)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as one JSON document on stdout (schema: docs/bench.md)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress lines on stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            break
        }
        'mqttkit;bench;pub' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Publishing clients')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Publishing clients')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Subscribing clients, each subscribed to every publisher''s topic [pubsub default: 1]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Messages per second in total, shared evenly by the publishers (open loop: each message has its intended send time)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two messages of each publisher, instead of --rate (the total rate is then clients / interval)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (warm-up included), shared by the publishers')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given]')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Time before the measurement, excluded from every figure')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload bytes; at least the 24-byte header (publisher, sequence, send time)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic template: %i the publisher''s index (from 0), %c its client id, %h this machine''s host name, %% a percent sign')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic template: %i the publisher''s index (from 0), %c its client id, %h this machine''s host name, %% a percent sign')
            [CompletionResult]::new('--inflight', '--inflight', [CompletionResultType]::ParameterName, 'Unacknowledged QoS 1/2 messages per publisher (an MQTT 5 broker''s Receive Maximum lowers it)')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second while connecting [default: all at once]')
            [CompletionResult]::new('--tick', '--tick', [CompletionResultType]::ParameterName, 'The shortest time between two wake-ups of a publisher: messages due in between go out together at the next one, and their latency counts the wait. 0 sends every message at its own time, at the CPU cost of one timer per message [default: 0 up to 2,000 messages/s in total, else publishers / 2,000 s, so that the run wakes ~2,000 times a second]')
            [CompletionResult]::new('--client-prefix', '--client-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]')
            [CompletionResult]::new('--ifaddr', '--ifaddr', [CompletionResultType]::ParameterName, 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Publish with the retain flag (the broker keeps the last message of every topic)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag (the broker keeps the last message of every topic)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as one JSON document on stdout (schema: docs/bench.md)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress lines on stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            break
        }
        'mqttkit;bench;sub' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Subscribing clients, each subscribed to the filter')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Subscribing clients, each subscribed to the filter')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Requested QoS')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'Requested QoS')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages received by all subscribers together')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long [default: 10s unless --count is given]')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second while connecting [default: all at once]')
            [CompletionResult]::new('--client-prefix', '--client-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]')
            [CompletionResult]::new('--ifaddr', '--ifaddr', [CompletionResultType]::ParameterName, 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as one JSON document on stdout (schema: docs/bench.md)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress lines on stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            break
        }
        'mqttkit;bench;conn' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Connections to open (raise `ulimit -n` for thousands)')
            [CompletionResult]::new('--clients', '--clients', [CompletionResultType]::ParameterName, 'Connections to open (raise `ulimit -n` for thousands)')
            [CompletionResult]::new('--connect-rate', '--connect-rate', [CompletionResultType]::ParameterName, 'New connections per second')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long to hold the connections once all are open')
            [CompletionResult]::new('--client-prefix', '--client-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the role and index follow (pub-0, sub-0, conn-0) [default: mqttkit-bench-PID-]')
            [CompletionResult]::new('--ifaddr', '--ifaddr', [CompletionResultType]::ParameterName, 'Local source addresses, comma-separated, used by the clients in turn: each address has its own ~28k ephemeral ports towards one broker')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Threads running the clients: 1 (the default) is the cheapest per message and leaves the other cores to a broker on the same machine')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as one JSON document on stdout (schema: docs/bench.md)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress lines on stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            break
        }
        'mqttkit;bench;merge' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the combined report as JSON instead of the summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqttkit;bench;help' {
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publishers and subscribers in one run: end-to-end latency and delivery checks')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publishers only: publish rate, and publish→ack latency at QoS 1/2')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribers only: the receive rate of messages published by something else')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Connections: connect rate, CONNACK latency, memory while holding them')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine JSON reports of runs made at the same time (e.g. from several machines)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;bench;help;pubsub' {
            break
        }
        'mqttkit;bench;help;pub' {
            break
        }
        'mqttkit;bench;help;sub' {
            break
        }
        'mqttkit;bench;help;conn' {
            break
        }
        'mqttkit;bench;help;merge' {
            break
        }
        'mqttkit;bench;help;help' {
            break
        }
        'mqttkit;record' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic filter to subscribe to (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the NDJSON recording to this file (truncated) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the NDJSON recording to this file (truncated) instead of stdout')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Also (or, without -o, only) write the messages into this SQLite database, table `messages` (created if missing, appended to otherwise)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'The subscriptions'' QoS (2: every message is recorded at the QoS it was published with)')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'The subscriptions'' QoS (2: every message is recorded at the QoS it was published with)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Exit after this many messages')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after this many messages')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop (successfully) after recording for this long')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;replay' {
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Pace: a factor of the recorded gaps (2x, 0.5x) or max (as fast as the broker acknowledges)')
            [CompletionResult]::new('--loop', '--loop', [CompletionResultType]::ParameterName, 'Play the recording this many times, or forever')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Replay only messages whose recorded topic matches this filter (repeatable)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Replay only messages whose recorded topic matches this filter (repeatable)')
            [CompletionResult]::new('--remap', '--remap', [CompletionResultType]::ParameterName, 'Publish a topic starting with FROM with TO instead (repeatable; the first match applies)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'keep: publish with the recorded retain flag; drop: never retain')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--skip-bad', '--skip-bad', [CompletionResultType]::ParameterName, 'Go on past an entry that is not a valid record (counted as failed), instead of stopping with its line number')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the summary as one JSON object on stdout')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;top' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic filter to watch (repeatable) [default: #]; $SYS/# is always added for the broker panel')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic filter to watch (repeatable) [default: #]; $SYS/# is always added for the broker panel')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'The subscriptions'' QoS')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'The subscriptions'' QoS')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'Messages kept per topic (for the detail pane and the sparkline)')
            [CompletionResult]::new('--presence', '--presence', [CompletionResultType]::ParameterName, 'Presence as `status --watch FILTER` sees it (e.g. ''devices/+/status''), instead of any …/status topic saying online or offline')
            [CompletionResult]::new('--fps', '--fps', [CompletionResultType]::ParameterName, 'Frames drawn per second at most')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Broker host')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Broker port [default: 1883, or 8883 with TLS]')
            [CompletionResult]::new('-L', '-L ', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt)')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('--protocol-version', '--protocol-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Client id [default: mqttkit-<command>-<pid>]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('--id-prefix', '--id-prefix', [CompletionResultType]::ParameterName, 'Client id prefix; the process id is appended')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds (0 disables it)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'Session expiry interval in seconds (MQTT 5)')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for the connection and CONNACK')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username')
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw', '--pw', [CompletionResultType]::ParameterName, 'Password; given without a value, it is asked for on the terminal. Prefer --pw-file or MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history')
            [CompletionResult]::new('--pw-file', '--pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (UTF-8)')
            [CompletionResult]::new('--will-topic', '--will-topic', [CompletionResultType]::ParameterName, 'Will topic, published by the broker if this client vanishes without DISCONNECT')
            [CompletionResult]::new('--will-payload', '--will-payload', [CompletionResultType]::ParameterName, 'Will payload')
            [CompletionResult]::new('--will-qos', '--will-qos', [CompletionResultType]::ParameterName, 'Will QoS')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts (long-running commands and pub -l; default: never)')
            [CompletionResult]::new('--cafile', '--cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--capath', '--capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM) for brokers that require one; needs --key')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--disable-clean-session', '--disable-clean-session', [CompletionResultType]::ParameterName, 'Keep the session when disconnected (clean session 0); needs -i')
            [CompletionResult]::new('--will-retain', '--will-retain', [CompletionResultType]::ParameterName, 'Retain the will')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the broker''s certificate or host name (testing only): anyone on the path can read and change the traffic. Turns TLS on')
            break
        }
        'mqttkit;bridge' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Forward messages matching this filter (repeatable)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Forward messages matching this filter (repeatable)')
            [CompletionResult]::new('--remap', '--remap', [CompletionResultType]::ParameterName, 'Forward a topic starting with FROM with TO instead (repeatable; the first match applies). With --both, the other direction maps TO back to FROM')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'The highest QoS forwarded: a message goes on at the lower of its own QoS and this (2: see docs/bridge.md for what rumqttc does with QoS 2 after a restart)')
            [CompletionResult]::new('--max-qos', '--max-qos', [CompletionResultType]::ParameterName, 'The highest QoS forwarded: a message goes on at the lower of its own QoS and this (2: see docs/bridge.md for what rumqttc does with QoS 2 after a restart)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'keep: forward the retain flag; drop: never retain on the destination')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The bridge''s name: the client ids are NAME-from and NAME-to, and a persistent session is found again by them after a restart')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Messages held between the two sides, at most (QoS 0 messages beyond it are dropped; QoS 1/2 wait unacknowledged at the source broker)')
            [CompletionResult]::new('--drain-timeout', '--drain-timeout', [CompletionResultType]::ParameterName, 'On Ctrl-C or SIGTERM, wait at most this long for what is in flight to be acknowledged')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'How often -v and --json report the counters')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds on both sides')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'Keep-alive interval in seconds on both sides')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'How long to wait for each connection and its CONNACK')
            [CompletionResult]::new('--max-reconnects', '--max-reconnects', [CompletionResultType]::ParameterName, 'Give up after this many reconnection attempts on one side (default: never)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The broker: mqtt://[user[:password]@]host[:port], mqtts:// (TLS), ws://, wss://')
            [CompletionResult]::new('--from-version', '--from-version', [CompletionResultType]::ParameterName, 'MQTT protocol version on this side: 311 or 5')
            [CompletionResult]::new('--from-id', '--from-id', [CompletionResultType]::ParameterName, 'Client id on this side [default: NAME-<side>, see --name]')
            [CompletionResult]::new('--from-user', '--from-user', [CompletionResultType]::ParameterName, 'Username (or in the URL)')
            [CompletionResult]::new('--from-pw-file', '--from-pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (or give it in the URL)')
            [CompletionResult]::new('--from-cafile', '--from-cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file; turns TLS on')
            [CompletionResult]::new('--from-capath', '--from-capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory; turns TLS on')
            [CompletionResult]::new('--from-cert', '--from-cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM); needs the matching -key flag')
            [CompletionResult]::new('--from-key', '--from-key', [CompletionResultType]::ParameterName, 'Private key (PEM) of the -cert flag')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The broker: mqtt://[user[:password]@]host[:port], mqtts:// (TLS), ws://, wss://')
            [CompletionResult]::new('--to-version', '--to-version', [CompletionResultType]::ParameterName, 'MQTT protocol version on this side: 311 or 5')
            [CompletionResult]::new('--to-id', '--to-id', [CompletionResultType]::ParameterName, 'Client id on this side [default: NAME-<side>, see --name]')
            [CompletionResult]::new('--to-user', '--to-user', [CompletionResultType]::ParameterName, 'Username (or in the URL)')
            [CompletionResult]::new('--to-pw-file', '--to-pw-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file (or give it in the URL)')
            [CompletionResult]::new('--to-cafile', '--to-cafile', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file; turns TLS on')
            [CompletionResult]::new('--to-capath', '--to-capath', [CompletionResultType]::ParameterName, 'Trust every PEM CA certificate in this directory; turns TLS on')
            [CompletionResult]::new('--to-cert', '--to-cert', [CompletionResultType]::ParameterName, 'Client certificate chain (PEM); needs the matching -key flag')
            [CompletionResult]::new('--to-key', '--to-key', [CompletionResultType]::ParameterName, 'Private key (PEM) of the -cert flag')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('--both', '--both', [CompletionResultType]::ParameterName, 'Forward both ways: the --to broker''s messages matching the (remapped) filters go to the --from broker too. Needs MQTT 5 on both sides (No Local keeps a message from coming back)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print the counters to stderr every --stats-interval')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print the counters to stderr every --stats-interval')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Events (connections, counters, the summary) as JSON lines on stdout')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log the protocol exchange to stderr')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--from-insecure', '--from-insecure', [CompletionResultType]::ParameterName, 'Do not verify this broker''s certificate (testing only); turns TLS on')
            [CompletionResult]::new('--to-insecure', '--to-insecure', [CompletionResultType]::ParameterName, 'Do not verify this broker''s certificate (testing only); turns TLS on')
            break
        }
        'mqttkit;generate' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page `mqttkit.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;generate;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqttkit;generate;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mqttkit;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page `mqttkit.1`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;generate;help;completions' {
            break
        }
        'mqttkit;generate;help;man' {
            break
        }
        'mqttkit;generate;help;help' {
            break
        }
        'mqttkit;help' {
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish messages (mosquitto_pub''s flags)')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe and print messages (mosquitto_sub''s flags and output)')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Simulate sensors publishing telemetry (temperature, pressure, …)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Announce a device''s presence (retained "online", a will of "offline"), or watch many')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A broker, a small fleet and a live subscriber in one process: mqttkit in a minute')
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the bundled broker: MQTT 3.1.1 and 5 on one port')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks')
            [CompletionResult]::new('record', 'record', [CompletionResultType]::ParameterValue, 'Record messages losslessly to NDJSON (and/or an SQLite database) for replay')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Publish a recording again, at its recorded pace (scaled by --speed) or as fast as the broker acknowledges')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'A live terminal view of a broker: topic tree, values, history, presence, $SYS')
            [CompletionResult]::new('bridge', 'bridge', [CompletionResultType]::ParameterValue, 'Forward messages from one broker to another (or both ways), acknowledging each to the source only once the destination has it')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (used to refresh the committed copies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;help;pub' {
            break
        }
        'mqttkit;help;sub' {
            break
        }
        'mqttkit;help;sim' {
            break
        }
        'mqttkit;help;status' {
            break
        }
        'mqttkit;help;demo' {
            break
        }
        'mqttkit;help;broker' {
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin')
            break
        }
        'mqttkit;help;broker;passwd' {
            break
        }
        'mqttkit;help;bench' {
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publishers and subscribers in one run: end-to-end latency and delivery checks')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publishers only: publish rate, and publish→ack latency at QoS 1/2')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribers only: the receive rate of messages published by something else')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Connections: connect rate, CONNACK latency, memory while holding them')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine JSON reports of runs made at the same time (e.g. from several machines)')
            break
        }
        'mqttkit;help;bench;pubsub' {
            break
        }
        'mqttkit;help;bench;pub' {
            break
        }
        'mqttkit;help;bench;sub' {
            break
        }
        'mqttkit;help;bench;conn' {
            break
        }
        'mqttkit;help;bench;merge' {
            break
        }
        'mqttkit;help;record' {
            break
        }
        'mqttkit;help;replay' {
            break
        }
        'mqttkit;help;top' {
            break
        }
        'mqttkit;help;bridge' {
            break
        }
        'mqttkit;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'The man page `mqttkit.1`')
            break
        }
        'mqttkit;help;generate;completions' {
            break
        }
        'mqttkit;help;generate;man' {
            break
        }
        'mqttkit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

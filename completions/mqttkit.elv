
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
            cand broker 'Run the bundled MQTT 3.1.1 broker'
            cand generate 'Write shell completions or the man page (used to refresh the committed copies)'
            cand help 'Print this message or the help of the given subcommand(s)'
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
            cand broker 'Run the bundled MQTT 3.1.1 broker'
            cand generate 'Write shell completions or the man page (used to refresh the committed copies)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mqttkit;help;broker'= {
            cand passwd 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin'
        }
        &'mqttkit;help;broker;passwd'= {
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

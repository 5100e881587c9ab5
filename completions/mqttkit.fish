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
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "broker" -d 'Run the bundled MQTT 3.1.1 broker'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "generate" -d 'Write shell completions or the man page (used to refresh the committed copies)'
complete -c mqttkit -n "__fish_mqttkit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l bind -d 'Address to listen on' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s p -l port -d 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l allow-anonymous -d 'Accept clients that send no username' -r -f -a "true\t''
false\t''"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l password-file -d 'Users and password hashes in mosquitto_passwd\'s format (`user:$7$…`)' -r -F
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-packet-size -d 'Largest packet accepted from a client, in bytes; a larger one closes that connection' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-connections -d 'Most clients connected at once; further connections are closed at once (0: no limit)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-inflight -d 'QoS 1/2 messages in flight to one client before further ones wait in its queue' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l max-queued -d 'Messages queued per client (online behind the in-flight window, or offline with a persistent session); when full the oldest is dropped, counted and logged' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l sys-interval -d 'How often to publish the `$SYS/broker/…` counters (0 turns them off)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l fault-drop-after -d 'Fault injection: close every client\'s connection after it has sent N packets (CONNECT included), without a will being suppressed' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l fault-refuse-connect -d 'Fault injection: refuse every CONNECT with this CONNACK return code (1-5)' -r
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -l color -d 'When to colour output: auto (a terminal without NO_COLOR), always or never' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c mqttkit -n "__fish_mqttkit_using_subcommand broker; and not __fish_seen_subcommand_from passwd help" -s v -l verbose -d 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)'
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
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from broker generate help" -f -a "broker" -d 'Run the bundled MQTT 3.1.1 broker'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from broker generate help" -f -a "generate" -d 'Write shell completions or the man page (used to refresh the committed copies)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and not __fish_seen_subcommand_from broker generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from broker" -f -a "passwd" -d 'Add or update a user in a password file (mosquitto_passwd\'s format). The password is read from a prompt on a terminal, else from the first line of stdin'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c mqttkit -n "__fish_mqttkit_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'The man page `mqttkit.1`'

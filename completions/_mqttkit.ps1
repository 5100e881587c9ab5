
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
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the bundled MQTT 3.1.1 broker')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (used to refresh the committed copies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;broker' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 takes a free one (the bound address is printed on stdout)')
            [CompletionResult]::new('--allow-anonymous', '--allow-anonymous', [CompletionResultType]::ParameterName, 'Accept clients that send no username')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Users and password hashes in mosquitto_passwd''s format (`user:$7$…`)')
            [CompletionResult]::new('--max-packet-size', '--max-packet-size', [CompletionResultType]::ParameterName, 'Largest packet accepted from a client, in bytes; a larger one closes that connection')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most clients connected at once; further connections are closed at once (0: no limit)')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'QoS 1/2 messages in flight to one client before further ones wait in its queue')
            [CompletionResult]::new('--max-queued', '--max-queued', [CompletionResultType]::ParameterName, 'Messages queued per client (online behind the in-flight window, or offline with a persistent session); when full the oldest is dropped, counted and logged')
            [CompletionResult]::new('--sys-interval', '--sys-interval', [CompletionResultType]::ParameterName, 'How often to publish the `$SYS/broker/…` counters (0 turns them off)')
            [CompletionResult]::new('--fault-drop-after', '--fault-drop-after', [CompletionResultType]::ParameterName, 'Fault injection: close every client''s connection after it has sent N packets (CONNECT included), without a will being suppressed')
            [CompletionResult]::new('--fault-refuse-connect', '--fault-refuse-connect', [CompletionResultType]::ParameterName, 'Fault injection: refuse every CONNECT with this CONNACK return code (1-5)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output: auto (a terminal without NO_COLOR), always or never')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log more to stderr (-v: connections and subscriptions, -vv: every packet)')
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
            [CompletionResult]::new('broker', 'broker', [CompletionResultType]::ParameterValue, 'Run the bundled MQTT 3.1.1 broker')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or the man page (used to refresh the committed copies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mqttkit;help;broker' {
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Add or update a user in a password file (mosquitto_passwd''s format). The password is read from a prompt on a terminal, else from the first line of stdin')
            break
        }
        'mqttkit;help;broker;passwd' {
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

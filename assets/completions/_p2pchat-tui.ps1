
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'p2pchat-tui' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'p2pchat-tui'
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
        'p2pchat-tui' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Your display name; each name gets its own identity and profile')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Your display name; each name gets its own identity and profile')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'TCP port to listen on (a free one is used if it is taken)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'TCP port to listen on (a free one is used if it is taken)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on')
            [CompletionResult]::new('--discovery-port', '--discovery-port', [CompletionResultType]::ParameterName, 'UDP port for discovery announcements (shared by every instance on a host)')
            [CompletionResult]::new('--broadcast', '--broadcast', [CompletionResultType]::ParameterName, 'Announce to this address instead of every interface''s broadcast address (repeatable), e.g. 127.255.255.255 for peers on this machine only')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Dial this peer directly, for networks that block broadcast (repeatable)')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Discover, advertise and accept connections on this network interface only (repeatable; default: all)')
            [CompletionResult]::new('--heartbeat-ms', '--heartbeat-ms', [CompletionResultType]::ParameterName, 'Heartbeat interval in milliseconds')
            [CompletionResult]::new('--peer-timeout-ms', '--peer-timeout-ms', [CompletionResultType]::ParameterName, 'Drop a peer heard nothing from for this many milliseconds')
            [CompletionResult]::new('--proposal-ttl-secs', '--proposal-ttl-secs', [CompletionResultType]::ParameterName, 'How long a proposal stays open, in seconds')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Keep profiles (identity, state, log) under DIR instead of the platform data directory')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level for the log file in the profile (error, warn, info, debug, trace)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Read settings from FILE instead of config.toml in the platform config directory')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'Clock format in the message pane')
            [CompletionResult]::new('--theme', '--theme', [CompletionResultType]::ParameterName, 'Colours for a dark or light terminal background; auto reads COLORFGBG (else dark)')
            [CompletionResult]::new('--completions', '--completions', [CompletionResultType]::ParameterName, 'Print a completion script for SHELL to standard output and exit')
            [CompletionResult]::new('--bell', '--bell', [CompletionResultType]::ParameterName, 'When the terminal bell rings: on lines naming you and private messages, on every message, or never')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Desktop notifications through the terminal (OSC 777, or OSC 9 in iTerm2) for lines naming you and private messages while you are not reading; `--notify=false` turns off')
            [CompletionResult]::new('--max-store-mb', '--max-store-mb', [CompletionResultType]::ParameterName, 'Most megabytes (MiB) of stored messages in history.db; the oldest are pruned past it, the largest author''s first')
            [CompletionResult]::new('--max-author-mb', '--max-author-mb', [CompletionResultType]::ParameterName, 'Most megabytes (MiB) of stored messages from any one author; their oldest are pruned past it')
            [CompletionResult]::new('--retention-days', '--retention-days', [CompletionResultType]::ParameterName, 'Stored messages older than this many days are pruned (and not offered to peers)')
            [CompletionResult]::new('--download-dir', '--download-dir', [CompletionResultType]::ParameterName, 'Put accepted files in DIR (default: the platform download directory)')
            [CompletionResult]::new('--max-file-size-mb', '--max-file-size-mb', [CompletionResultType]::ParameterName, 'Refuse file offers larger than this many megabytes (MiB)')
            [CompletionResult]::new('--max-transfer-rate-kib', '--max-transfer-rate-kib', [CompletionResultType]::ParameterName, 'Send each file at most this many KiB per second (0: as fast as the network allows)')
            [CompletionResult]::new('--no-ipv6-discovery', '--no-ipv6-discovery', [CompletionResultType]::ParameterName, 'No IPv6 link-local multicast discovery (it is off anyway when --broadcast is given)')
            [CompletionResult]::new('--headless', '--headless', [CompletionResultType]::ParameterName, 'No interface: read commands on stdin, write JSON events on stdout, one per line')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'No colours (as does the NO_COLOR environment variable); selection stays visible')
            [CompletionResult]::new('--no-mouse', '--no-mouse', [CompletionResultType]::ParameterName, 'Leave the mouse to the terminal (text selection without Shift; no clicks or wheel)')
            [CompletionResult]::new('--man', '--man', [CompletionResultType]::ParameterName, 'Print the manual page (roff) to standard output and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

complete -c p2pchat-tui -s n -l name -d 'Your display name; each name gets its own identity and profile' -r
complete -c p2pchat-tui -s p -l port -d 'TCP port to listen on (a free one is used if it is taken)' -r
complete -c p2pchat-tui -l bind -d 'Address to listen on' -r
complete -c p2pchat-tui -l discovery-port -d 'UDP port for discovery announcements (shared by every instance on a host)' -r
complete -c p2pchat-tui -l broadcast -d 'Announce to this address instead of every interface\'s broadcast address (repeatable), e.g. 127.255.255.255 for peers on this machine only' -r
complete -c p2pchat-tui -l peer -d 'Dial this peer directly, for networks that block broadcast (repeatable)' -r
complete -c p2pchat-tui -l interface -d 'Discover, advertise and accept connections on this network interface only (repeatable; default: all)' -r
complete -c p2pchat-tui -l heartbeat-ms -d 'Heartbeat interval in milliseconds' -r
complete -c p2pchat-tui -l peer-timeout-ms -d 'Drop a peer heard nothing from for this many milliseconds' -r
complete -c p2pchat-tui -l proposal-ttl-secs -d 'How long a proposal stays open, in seconds' -r
complete -c p2pchat-tui -l data-dir -d 'Keep profiles (identity, state, log) under DIR instead of the platform data directory' -r -F
complete -c p2pchat-tui -l log-level -d 'Log level for the log file in the profile (error, warn, info, debug, trace)' -r
complete -c p2pchat-tui -l config -d 'Read settings from FILE instead of config.toml in the platform config directory' -r -F
complete -c p2pchat-tui -l time-format -d 'Clock format in the message pane' -r -f -a "24h\t'14:05'
24h-seconds\t'14:05:09'
12h\t'2:05pm'"
complete -c p2pchat-tui -l theme -d 'Colours for a dark or light terminal background; auto reads COLORFGBG (else dark)' -r -f -a "auto\t'From COLORFGBG when the terminal sets it, else dark'
dark\t'Light text on a dark background'
light\t'Dark text on a light background'"
complete -c p2pchat-tui -l completions -d 'Print a completion script for SHELL to standard output and exit' -r -f -a "bash\t''
elvish\t''
fish\t''
powershell\t''
zsh\t''"
complete -c p2pchat-tui -l bell -d 'When the terminal bell rings: on lines naming you and private messages, on every message, or never' -r -f -a "mentions\t'Lines that name you, and private messages'
all\t'Every message from someone else'
off\t'Never'"
complete -c p2pchat-tui -l notify -d 'Desktop notifications through the terminal (OSC 777, or OSC 9 in iTerm2) for lines naming you and private messages while you are not reading; `--notify=false` turns off' -r -f -a "true\t''
false\t''"
complete -c p2pchat-tui -l max-store-mb -d 'Most megabytes (MiB) of stored messages in history.db; the oldest are pruned past it, the largest author\'s first' -r
complete -c p2pchat-tui -l max-author-mb -d 'Most megabytes (MiB) of stored messages from any one author; their oldest are pruned past it' -r
complete -c p2pchat-tui -l retention-days -d 'Stored messages older than this many days are pruned (and not offered to peers)' -r
complete -c p2pchat-tui -l download-dir -d 'Put accepted files in DIR (default: the platform download directory)' -r -F
complete -c p2pchat-tui -l max-file-size-mb -d 'Refuse file offers larger than this many megabytes (MiB)' -r
complete -c p2pchat-tui -l max-transfer-rate-kib -d 'Send each file at most this many KiB per second (0: as fast as the network allows)' -r
complete -c p2pchat-tui -l no-ipv6-discovery -d 'No IPv6 link-local multicast discovery (it is off anyway when --broadcast is given)'
complete -c p2pchat-tui -l headless -d 'No interface: read commands on stdin, write JSON events on stdout, one per line'
complete -c p2pchat-tui -l no-color -d 'No colours (as does the NO_COLOR environment variable); selection stays visible'
complete -c p2pchat-tui -l no-mouse -d 'Leave the mouse to the terminal (text selection without Shift; no clicks or wheel)'
complete -c p2pchat-tui -l man -d 'Print the manual page (roff) to standard output and exit'
complete -c p2pchat-tui -s h -l help -d 'Print help (see more with \'--help\')'
complete -c p2pchat-tui -s V -l version -d 'Print version'

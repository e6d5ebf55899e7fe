
use builtin;
use str;

set edit:completion:arg-completer[p2pchat-tui] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'p2pchat-tui'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'p2pchat-tui'= {
            cand -n 'Your display name; each name gets its own identity and profile'
            cand --name 'Your display name; each name gets its own identity and profile'
            cand -p 'TCP port to listen on (a free one is used if it is taken)'
            cand --port 'TCP port to listen on (a free one is used if it is taken)'
            cand --bind 'Address to listen on'
            cand --discovery-port 'UDP port for discovery announcements (shared by every instance on a host)'
            cand --broadcast 'Announce to this address instead of every interface''s broadcast address (repeatable), e.g. 127.255.255.255 for peers on this machine only'
            cand --peer 'Dial this peer directly, for networks that block broadcast (repeatable)'
            cand --interface 'Discover, advertise and accept connections on this network interface only (repeatable; default: all)'
            cand --heartbeat-ms 'Heartbeat interval in milliseconds'
            cand --peer-timeout-ms 'Drop a peer heard nothing from for this many milliseconds'
            cand --proposal-ttl-secs 'How long a proposal stays open, in seconds'
            cand --data-dir 'Keep profiles (identity, state, log) under DIR instead of the platform data directory'
            cand --log-level 'Log level for the log file in the profile (error, warn, info, debug, trace)'
            cand --config 'Read settings from FILE instead of config.toml in the platform config directory'
            cand --time-format 'Clock format in the message pane'
            cand --theme 'Colours for a dark or light terminal background; auto reads COLORFGBG (else dark)'
            cand --completions 'Print a completion script for SHELL to standard output and exit'
            cand --bell 'When the terminal bell rings: on lines naming you and private messages, on every message, or never'
            cand --notify 'Desktop notifications through the terminal (OSC 777, or OSC 9 in iTerm2) for lines naming you and private messages while you are not reading; `--notify=false` turns off'
            cand --max-store-mb 'Most megabytes (MiB) of stored messages in history.db; the oldest are pruned past it, the largest author''s first'
            cand --max-author-mb 'Most megabytes (MiB) of stored messages from any one author; their oldest are pruned past it'
            cand --retention-days 'Stored messages older than this many days are pruned (and not offered to peers)'
            cand --download-dir 'Put accepted files in DIR (default: the platform download directory)'
            cand --max-file-size-mb 'Refuse file offers larger than this many megabytes (MiB)'
            cand --max-transfer-rate-kib 'Send each file at most this many KiB per second (0: as fast as the network allows)'
            cand --no-ipv6-discovery 'No IPv6 link-local multicast discovery (it is off anyway when --broadcast is given)'
            cand --headless 'No interface: read commands on stdin, write JSON events on stdout, one per line'
            cand --no-color 'No colours (as does the NO_COLOR environment variable); selection stays visible'
            cand --no-mouse 'Leave the mouse to the terminal (text selection without Shift; no clicks or wheel)'
            cand --man 'Print the manual page (roff) to standard output and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}

#!/usr/bin/env bash
# Regenerates the README screenshots in screenshots/: chat.png (a conversation), private.png (a
# private message with its delivery mark), voting.png (a proposal being voted on), secure.png
# (the group in secure-only mode refusing an unsigned message), warning.png (someone else using
# a known name, with another key) and help.png.
#
# Three interactive peers (Alice, Bob, Carol) run in a private tmux server, one 100x30 session
# each, on loopback only (--broadcast 127.255.255.255, a free private discovery port, --port 0,
# a temporary --data-dir): nothing leaves this machine. A fourth, headless "Bob" with a key of
# its own plays the impostor. A short scripted conversation is typed into them, a proposal is
# voted on and the help overlay opened; each screen is captured with `tmux capture-pane -e -p`
# and drawn cell by cell into a PNG by scripts/ansi2png.py (Pillow; DejaVu Sans Mono, Noto
# Color Emoji for emoji).
#
# Usage: scripts/screenshots.sh            (installs what is missing; needs root for apt-get)
# Env:   SHOTS_DIR=DIR  write the PNGs there (and, with KEEP_SOURCES=1, the .ansi captures);
#        DISCOVERY_PORT=N  use this private UDP port instead of a free one.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${SHOTS_DIR:-$ROOT/screenshots}
COLS=100
ROWS=30

log() { echo "screenshots: $*" >&2; }

# --- what the script needs -----------------------------------------------------------------
install_missing() {
  local need=()
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
  command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
  if ! command -v fc-list >/dev/null 2>&1 || ! fc-list | grep -q "DejaVu Sans Mono"; then
    need+=(fonts-dejavu-core)
  fi
  if ! command -v fc-list >/dev/null 2>&1 || ! fc-list | grep -qi "Noto Color Emoji"; then
    need+=(fonts-noto-color-emoji)
  fi
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if ! python3 -c 'import PIL' >/dev/null 2>&1; then
    log "installing the Python package pillow"
    # A Debian system Python refuses pip (PEP 668): fall back to Debian's package.
    python3 -m pip install --quiet pillow 2>/dev/null ||
      { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq python3-pil >/dev/null; }
  fi
}
install_missing

log "building (debug)"
cargo build --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/p2pchat-tui
[ -x "$BIN" ] || { log "no binary at $BIN"; exit 1; }

WORK=$(mktemp -d)
SOCK="p2pchat-shots-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
  local socket
  socket=$(T display-message -p '#{socket_path}' 2>/dev/null || true)
  T kill-server >/dev/null 2>&1 || true
  [ -z "$socket" ] || rm -f "$socket" # tmux 3.3a's kill-server leaves the socket file
  rm -rf "$WORK"
}
trap cleanup EXIT

# A UDP port that is free now, for this run's private discovery traffic (or DISCOVERY_PORT).
DISCOVERY_PORT=${DISCOVERY_PORT:-$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
log "discovery on 127.255.255.255:$DISCOVERY_PORT, profiles in $WORK"

start_peer() { # NAME
  # Colours on whatever the caller's environment says (NO_COLOR would turn them off); tmux's
  # TERM (screen) has 8 colours, COLORTERM says the picture's terminal has more.
  T new-session -d -x "$COLS" -y "$ROWS" -s "$1" \
    env -u NO_COLOR -u COLORFGBG COLORTERM=truecolor TZ="${TZ:-UTC}" "$BIN" --name "$1" \
    --data-dir "$WORK" --broadcast 127.255.255.255 --discovery-port "$DISCOVERY_PORT" --port 0
}

screen() { T capture-pane -p -t "$1:0.0"; }

# wait_for SESSION TEXT: polls the screen until TEXT (fixed string) shows, 15 s at most.
wait_for() {
  local deadline=$((SECONDS + 15))
  until screen "$1" | grep -qF -- "$2"; do
    if [ $SECONDS -ge $deadline ]; then
      log "'$2' did not show on $1's screen; it shows:"
      screen "$1" >&2
      exit 1
    fi
    sleep 0.1
  done
}

say() { # SESSION TEXT: types a line and presses Enter, once the text is on the input line
  T send-keys -t "$1:0.0" -l "$2"
  wait_for "$1" "› ${2:0:$((COLS - 10))}"
  T send-keys -t "$1:0.0" Enter
}

# capture SESSION NAME: the screen with colours -> $OUT/NAME.png (-N keeps trailing blanks,
# which carry the status bar's background)
capture() {
  local ansi="$WORK/$2.ansi" flag xy extra=()
  T capture-pane -e -p -N -t "$1:0.0" >"$ansi"
  read -r flag xy < <(T display-message -p -t "$1:0.0" '#{cursor_flag} #{cursor_x},#{cursor_y}')
  [ "$flag" = 1 ] && extra=(--cursor "$xy")
  python3 "$ROOT/scripts/ansi2png.py" "$ansi" "$OUT/$2.png" --cols "$COLS" --rows "$ROWS" \
    --title "$1 — p2pchat-tui" "${extra[@]}"
  if [ -n "${KEEP_SOURCES:-}" ]; then cp "$ansi" "$OUT/"; fi
  log "wrote $OUT/$2.png"
}

mkdir -p "$OUT"
for p in Alice Bob Carol; do start_peer "$p"; done
for p in Alice Bob Carol; do wait_for "$p" "Peers 2/2"; done

# --- a short conversation --------------------------------------------------------------------
say Alice "Morning! Standup in 5 minutes?"
wait_for Bob "Alice: Morning!"
say Bob "Sure, I'm in the lab 🧪 — joining from here"
wait_for Carol "joining from here"
say Carol "/unsigned On my old laptop, no key on it yet, sorry"
wait_for Alice "no key on it yet"
say Alice "No problem. Release notes are ready 🚀 have a look"
wait_for Carol "have a look"
say Carol "Looks good to me 👍"
wait_for Alice "Looks good to me"
say Bob "Shall we refuse unsigned messages from now on?"
wait_for Alice "from now on?"
wait_for Alice "? help · Ctrl-Q quit" # the "Carol joined" status has gone: the key hints show
capture Alice chat

# --- a private message with its delivery mark --------------------------------------------------
# Private conversations have buffers of their own: Alt-2 shows the one each side just got.
say Alice "/dm Bob can you send me the release checklist?"
wait_for Alice "2 Bob"
T send-keys -t Alice:0.0 M-2
wait_for Alice "✓✓" # delivered: Bob's node acknowledged it
wait_for Bob "2 Alice"
T send-keys -t Bob:0.0 M-2
wait_for Bob "can you send me the release checklist"
say Bob "sure, sending it over now"
wait_for Alice "sending it over now"
wait_for Alice "? help · Ctrl-Q quit"
capture Alice private
for p in Alice Bob; do T send-keys -t "$p:0.0" M-1; done # back to #general
wait_for Alice "[1 #general]"

# --- a proposal being voted on ----------------------------------------------------------------
# Threshold 3 of 3: after Bob's (the proposer's) and Alice's approvals it is still open,
# waiting for Carol.
say Bob "/propose --threshold 3 no more unsigned messages on this LAN"
wait_for Alice "Proposals: 1 open"
# Shift-Tab from the input line goes straight to the proposals pane (the last one).
T send-keys -t Alice:0.0 BTab
wait_for Alice "Ctrl-Y approve · Ctrl-N reject"
T send-keys -t Alice:0.0 C-y
wait_for Alice "you approved"
wait_for Alice "? help · Ctrl-Q quit" # the status message has gone: the key hints show
capture Alice voting

# --- secure-only mode: the last vote, then an unsigned message refused --------------------------
wait_for Carol "Proposals: 1 open"
T send-keys -t Carol:0.0 BTab
wait_for Carol "Ctrl-Y approve · Ctrl-N reject"
T send-keys -t Carol:0.0 C-y
wait_for Carol "SECURE-ONLY"
wait_for Alice "SECURE-ONLY"
T send-keys -t Carol:0.0 -l "/unsigned still on the old laptop"
wait_for Carol "› /unsigned still on the old laptop"
T send-keys -t Carol:0.0 Enter
wait_for Carol "secure-only"
capture Carol secure

# --- a key warning: someone else using Bob's name, with another key ------------------------------
# Its own profile directory, so its own key; headless, in a session of its own.
IMPOSTOR=$WORK/impostor
mkdir -p "$IMPOSTOR"
T new-session -d -x "$COLS" -y "$ROWS" -s Impostor \
  "$BIN" --headless --name Bob --data-dir "$IMPOSTOR" \
  --broadcast 127.255.255.255 --discovery-port "$DISCOVERY_PORT" --port 0
wait_for Alice "⚠ Bob"
wait_for Alice "? help · Ctrl-Q quit"
capture Alice warning
T kill-session -t Impostor

# --- the help overlay -------------------------------------------------------------------------
T send-keys -t Alice:0.0 Escape
wait_for Alice "type a message"
T send-keys -t Alice:0.0 '?'
wait_for Alice "Help · Esc closes"
wait_for Alice "Esc close help ·"
capture Alice help

for p in Alice Bob Carol; do T send-keys -t "$p:0.0" C-q; done
log "done"

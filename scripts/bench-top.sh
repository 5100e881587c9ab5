#!/usr/bin/env bash
# CPU and memory of `mqttkit top` under load (a benchmark, not a test): top runs in a tmux
# window of 160x48 against the bundled broker while a load runs, and for DUR seconds after a
# warm-up this measures its CPU (utime+stime from /proc, as % of one core), its RSS (VmRSS)
# and peak RSS (VmHWM), the rate top itself shows in its tree's title, and for top how long
# a key (j) takes to show in the detail pane's first line (median of 5, polling capture-pane
# every 10 ms: an upper bound that includes tmux's own latency). Loads:
#   1k      mqttkit bench pub, 10 publishers, 1,000 msg/s in total, 10 topics, 64 bytes
#   10k     the same at 10,000 msg/s
#   50k     the same at 50,000 msg/s
#   10k-topics  mqttkit sim, 1,000 devices x 10 sensors every second: 10,000 topics,
#           10,000 msg/s of JSON; measured after FILL seconds (default 55), when every
#           topic's history (50 messages) is full, so the RSS is the bounded steady state
# With mqttui (cargo install mqttui; MQTTUI=/path/to/mqttui, default: on PATH), the same
# loads are measured on it too.
#
#   scripts/bench-top.sh                           # DUR=10 LOADS="1k 10k 50k 10k-topics"
#   MQTTKIT_BIN=/path/to/mqttkit LOADS=10k scripts/bench-top.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DUR=${DUR:-10}
WARMUP=${WARMUP:-5}
LOADS=${LOADS:-"1k 10k 50k 10k-topics"}
FILL=${FILL:-55}
MQTTUI=${MQTTUI:-$(command -v mqttui || true)}
BIN=${MQTTKIT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --locked -q
  BIN="${CARGO_TARGET_DIR:-target}/release/mqttkit"
fi
command -v tmux >/dev/null || { echo "tmux is not installed" >&2; exit 1; }
BIN=$(realpath "$BIN")

dir=$(mktemp -d)
sock="$dir/tmux.sock"
tm() { tmux -S "$sock" -f /dev/null "$@"; }
"$BIN" broker -p 0 --sys-interval 1 --max-queued 1000000 >"$dir/broker.out" 2>/dev/null &
broker=$!
load_pid=
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  tm kill-server 2>/dev/null || true
  kill "$broker" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$dir/broker.out" ] && break; sleep 0.1; done
port=$(head -1 "$dir/broker.out" | sed 's/.*://')
hz=$(getconf CLK_TCK)

start_load() {
  case $1 in
    1k | 10k | 50k)
      local rate=$((${1%k} * 1000))
      "$BIN" bench pub -h 127.0.0.1 -p "$port" -c 10 -t 'load/%i' --rate "$rate" \
        --duration "$((WARMUP + DUR + 30))s" --size 64 --quiet >/dev/null 2>&1 &
      ;;
    10k-topics)
      local sensors=()
      for s in 0 1 2 3 4 5 6 7 8 9; do sensors+=(--sensor "s$s:1s:0..100"); done
      "$BIN" sim -h 127.0.0.1 -p "$port" --devices 1000 "${sensors[@]}" \
        --duration "$((FILL + DUR + 30))s" >/dev/null 2>&1 &
      ;;
  esac
  load_pid=$!
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The first line of top's detail pane (at 160 columns): the selected topic.
detail() { tm capture-pane -p | sed -n 3p | cut -c 86-; }

key_ms() {
  local times=() i before t0 t1
  for i in 1 2 3 4 5; do
    before=$(detail)
    t0=$(date +%s%N)
    tm send-keys j
    for _ in $(seq 300); do
      [ "$(detail)" != "$before" ] && break
      sleep 0.01
    done
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

measure() { # viewer-name load command...
  local name=$1 load=$2
  shift 2
  tm new-session -d -x 160 -y 48 "exec $*"
  sleep 1
  local pid
  pid=$(tm list-panes -F '#{pane_pid}')
  start_load "$load"
  if [ "$load" = 10k-topics ]; then sleep "$FILL"; else sleep "$WARMUP"; fi
  local c0 c1
  c0=$(cpu_ticks "$pid")
  sleep "$DUR"
  c1=$(cpu_ticks "$pid")
  local cpu rss hwm shown key
  cpu=$(echo "scale=1; ($c1 - $c0) * 100 / $hz / $DUR" | bc)
  rss=$(($(status_kb "$pid" VmRSS) / 1024))
  hwm=$(($(status_kb "$pid" VmHWM) / 1024))
  shown=$(tm capture-pane -p | grep -o '[0-9]* topics · [0-9]* msgs · [0-9.k]*/s' | head -1 || true)
  key=-
  [ "$name" = top ] && key=$(key_ms)
  printf '%-8s %-11s cpu %6s%%  rss %5s MiB  peak %5s MiB  key %4s ms  %s\n' \
    "$name" "$load" "$cpu" "$rss" "$hwm" "$key" "${shown:-}"
  kill "$load_pid" 2>/dev/null || true
  wait "$load_pid" 2>/dev/null || true
  load_pid=
  tm kill-server 2>/dev/null || true
  sleep 1
}

echo "date $(date -u +%FT%TZ)  commit $(git rev-parse --short HEAD)  load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "nproc $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for load in $LOADS; do
  measure top "$load" "$BIN" top -h 127.0.0.1 -p "$port"
  if [ -n "$MQTTUI" ]; then
    measure mqttui "$load" "$MQTTUI" --broker "mqtt://127.0.0.1:$port"
  fi
done
echo "load average after $(cut -d' ' -f1-3 /proc/loadavg)"

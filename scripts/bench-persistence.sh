#!/usr/bin/env bash
# What persistence costs: QoS 1 throughput of the bundled broker in memory, with
# --persistence (autosave every second) and with --persistence-sync, beside mosquitto with
# `persistence false`, `persistence true` (its default autosave_interval, 1800 s) and
# `persistence true` + `autosave_interval 1`, on the same load in one run.
#
# Load: examples/broker_load.rs, PUBLISHERS QoS 1 publishers (100 in flight each) → 1
# subscriber with a persistent session (so every delivery is stored), MSGS messages of SIZE
# bytes, MQTT 3.1.1. Each configuration runs REPEATS times, alternating, each time on a
# fresh broker with an empty store; the script prints the median rate, the broker CPU per
# message and the ratio to mosquitto with persistence.
#
# Settings (environment): REPEATS (3), MSGS (100000), SIZE (64), PUBLISHERS (1),
# MQTTKIT_BIN (default target/release/mqttkit). Only 127.0.0.1; mosquitto runs privately on
# a free port (never 1883); every broker is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${REPEATS:-3}
MSGS=${MSGS:-100000}
SIZE=${SIZE:-64}
PUBLISHERS=${PUBLISHERS:-1}
QUEUE=$((MSGS * 2))
CONFIGS=("mqttkit-memory" "mqttkit-autosave" "mqttkit-sync" "mosquitto-memory" "mosquitto-persist" "mosquitto-autosave1")

command -v mosquitto >/dev/null || { echo "mosquitto is not installed (apt-get install -y mosquitto)" >&2; exit 1; }

cargo build --release --examples --bin mqttkit
WORK=$(mktemp -d)
cp "${MQTTKIT_BIN:-target/release/mqttkit}" "$WORK/mqttkit"
cp target/release/examples/broker_load "$WORK/"
TICK=$(getconf CLK_TCK)
PID="" PORT=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    [ -z "$(ss -ltnH "sport = :$port")" ] && { echo "$port"; return; }
  done
}

# start CONFIG: a fresh broker with an empty store; sets PID and PORT.
start() {
  local store="$WORK/store"
  rm -rf "$store" && mkdir -p "$store"
  PORT=$(free_port)
  case $1 in
    mqttkit-*)
      local extra=()
      case $1 in
        mqttkit-autosave) extra=(--persistence "$store") ;;
        mqttkit-sync) extra=(--persistence "$store" --persistence-sync) ;;
      esac
      "$WORK/mqttkit" broker -p "$PORT" --sys-interval 0 --max-queued "$QUEUE" "${extra[@]}" \
        >/dev/null 2>>"$WORK/broker.err" &
      ;;
    mosquitto-*)
      local persist="persistence false"
      case $1 in
        mosquitto-persist) persist="persistence true
persistence_location $store/" ;;
        mosquitto-autosave1) persist="persistence true
persistence_location $store/
autosave_interval 1" ;;
      esac
      cat >"$WORK/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
user root
$persist
max_queued_messages $QUEUE
max_inflight_messages 20
log_dest none
EOF
      mosquitto -c "$WORK/mosquitto.conf" 2>>"$WORK/broker.err" &
      ;;
  esac
  PID=$!
  for _ in $(seq 100); do
    [ -n "$(ss -ltnH "sport = :$PORT")" ] && return 0
    sleep 0.05
  done
  echo "$1 did not start: $(tail -3 "$WORK/broker.err")" >&2
  exit 1
}

stop() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}

json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

declare -A RATES CPUS
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# QoS 1, $PUBLISHERS publisher(s) → 1 persistent subscriber, $MSGS × $SIZE B, MQTT 3.1.1"
for rep in $(seq "$REPEATS"); do
  for config in "${CONFIGS[@]}"; do
    start "$config"
    before=$(sed 's/^.*) //' "/proc/$PID/stat" | awk '{print $12 + $13}')
    line=$(timeout 300 "$WORK/broker_load" throughput --addr "127.0.0.1:$PORT" --publishers "$PUBLISHERS" \
      --subscribers 1 --qos 1 --size "$SIZE" --messages "$MSGS" --persistent 1 --timeout 280 2>>"$WORK/gen.err" || true)
    after=$(sed 's/^.*) //' "/proc/$PID/stat" | awk '{print $12 + $13}')
    stop
    rate=$(json_field rate "$line")
    received=$(json_field messages_received "$line")
    [ -z "$rate" ] && { echo "!! the generator failed against $config: $(tail -2 "$WORK/gen.err")" >&2; rate=0; received=0; }
    cpu_us=$(awk -v t=$((after - before)) -v hz="$TICK" -v n="$MSGS" 'BEGIN {printf "%.2f", t / hz / n * 1e6}')
    printf '  %-20s rep %s: %8s msg/s  received %s/%s  broker cpu %s µs/msg\n' "$config" "$rep" "$rate" "$received" "$MSGS" "$cpu_us"
    RATES[$config]+="$rate "
    CPUS[$config]+="$cpu_us "
  done
done
ref=$(tr ' ' '\n' <<<"${RATES[mosquitto-persist]}" | grep . | median)
echo
printf '%-20s %12s %14s %22s\n' configuration "median msg/s" "cpu µs/msg" "÷ mosquitto-persist"
for config in "${CONFIGS[@]}"; do
  r=$(tr ' ' '\n' <<<"${RATES[$config]}" | grep . | median)
  c=$(tr ' ' '\n' <<<"${CPUS[$config]}" | grep . | median)
  printf '%-20s %12s %14s %22s\n' "$config" "$r" "$c" "$(awk -v a="$r" -v b="$ref" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')"
done

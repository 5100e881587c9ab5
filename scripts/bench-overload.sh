#!/usr/bin/env bash
# Overload: one QoS 1 publisher at full speed (up to WINDOW in flight) and one
# `mosquitto_sub -q 1` reading as fast as it can, through the bundled broker and through a
# private mosquitto, each with its default limits (1000 queued per client, 20 in flight),
# alternating, REPEATS times. Prints per run: messages acknowledged per second, delivered,
# missed (acknowledged and never delivered) and the broker's peak RSS.
#
# Settings (environment): REPEATS (3), MSGS (200000), WINDOW (1000), SIZE (64),
# MQTTKIT_BIN (default target/release/mqttkit). Only 127.0.0.1; mosquitto runs privately on a
# free port (never 1883); everything started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${REPEATS:-3}
MSGS=${MSGS:-200000}
WINDOW=${WINDOW:-1000}
SIZE=${SIZE:-64}

for tool in mosquitto mosquitto_sub; do
  command -v $tool >/dev/null || { echo "$tool is not installed (apt-get install -y mosquitto mosquitto-clients)" >&2; exit 1; }
done

cargo build --release --examples --bin mqttkit
WORK=$(mktemp -d)
cp "${MQTTKIT_BIN:-target/release/mqttkit}" "$WORK/mqttkit"
cp target/release/examples/broker_load "$WORK/"
PID="" SUB=""
cleanup() {
  for p in $SUB $PID; do kill "$p" 2>/dev/null || true; done
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

start() { # start BROKER PORT: sets PID
  if [ "$1" = mqttkit ]; then
    "$WORK/mqttkit" broker -p "$2" --sys-interval 0 >/dev/null 2>>"$WORK/broker.err" &
  else
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\npersistence false\nlog_dest none\n' "$2" >"$WORK/m.conf"
    mosquitto -c "$WORK/m.conf" 2>>"$WORK/broker.err" &
  fi
  PID=$!
  for _ in $(seq 100); do
    [ -n "$(ss -ltnH "sport = :$2")" ] && return 0
    sleep 0.05
  done
  echo "$1 did not start: $(tail -3 "$WORK/broker.err")" >&2
  exit 1
}

json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# QoS 1, 1 publisher ($WINDOW in flight) → mosquitto_sub -q 1, $MSGS × $SIZE B, MQTT 3.1.1, default limits"
for rep in $(seq "$REPEATS"); do
  for broker in mqttkit mosquitto; do
    port=$(free_port)
    start "$broker" "$port"
    : >"$WORK/sub.out"
    mosquitto_sub -p "$port" -q 1 -t 'bench/#' >"$WORK/sub.out" 2>/dev/null &
    SUB=$!
    sleep 0.3
    line=$(timeout 300 "$WORK/broker_load" throughput --addr "127.0.0.1:$port" --publishers 1 \
      --subscribers 0 --qos 1 --window "$WINDOW" --size "$SIZE" --messages "$MSGS" --timeout 280 2>>"$WORK/gen.err" || true)
    # The subscriber is done when its count stops growing for 2 s.
    last=-1
    while :; do
      n=$(wc -l <"$WORK/sub.out")
      [ "$n" = "$last" ] && break
      last=$n
      sleep 2
    done
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
    kill "$SUB" 2>/dev/null || true
    wait "$SUB" 2>/dev/null || true
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    SUB="" PID=""
    rate=$(json_field publish_rate "$line")
    sent=$(json_field messages_sent "$line")
    missed=$(awk -v s="${sent:-0}" -v d="$n" 'BEGIN {if (s > 0) printf "%.1f", (s - d) * 100 / s; else print "-"}')
    printf '  %-9s rep %s: acknowledged %8s msg/s  delivered %7s of %7s  missed %5s%%  peak RSS %6s kB\n' \
      "$broker" "$rep" "${rate:-0}" "$n" "${sent:-0}" "$missed" "$rss"
  done
done

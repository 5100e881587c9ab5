#!/usr/bin/env bash
# Broker memory under hostile input (issue 16, point 7): examples/hostile_load.rs sends random
# and mutated packets from CONNECTIONS connections for DURATION seconds, against the bundled broker and
# then a private mosquitto, each fresh; the broker's RSS is sampled every SAMPLE seconds.
# Prints, per broker, the RSS series (kB), and its start, peak and end.
#
# Settings (environment): DURATION (600), CONNECTIONS (40), SAMPLE (30), BROKERS
# ("mqttkit mosquitto"), MQTTKIT_BIN (default target/release/mqttkit), MQTTKIT_ARGS (extra
# flags for mqttkit broker). Only 127.0.0.1; mosquitto runs privately on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-600}
CONNECTIONS=${CONNECTIONS:-40}
SAMPLE=${SAMPLE:-30}
BROKERS=${BROKERS:-"mqttkit mosquitto"}

cargo build --release --examples --bin mqttkit
WORK=$(mktemp -d)
cp "${MQTTKIT_BIN:-target/release/mqttkit}" "$WORK/mqttkit"
cp target/release/examples/hostile_load "$WORK/"
PID="" GEN=""
cleanup() {
  for p in $GEN $PID; do kill "$p" 2>/dev/null || true; done
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

echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $CONNECTIONS hostile connections for ${DURATION}s, RSS every ${SAMPLE}s"
for broker in $BROKERS; do
  port=$(free_port)
  if [ "$broker" = mqttkit ]; then
    # shellcheck disable=SC2086
    "$WORK/mqttkit" broker -p "$port" --sys-interval 0 ${MQTTKIT_ARGS:-} >/dev/null 2>/dev/null &
  else
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nuser root\npersistence false\nlog_dest none\n' "$port" >"$WORK/m.conf"
    mosquitto -c "$WORK/m.conf" 2>/dev/null &
  fi
  PID=$!
  for _ in $(seq 100); do [ -n "$(ss -ltnH "sport = :$port")" ] && break; sleep 0.05; done
  start=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
  "$WORK/hostile_load" --addr "127.0.0.1:$port" --connections "$CONNECTIONS" --seconds "$DURATION" >"$WORK/gen.out" &
  GEN=$!
  series="$start"
  peak=$start
  while kill -0 "$GEN" 2>/dev/null; do
    sleep "$SAMPLE"
    kill -0 "$PID" 2>/dev/null || { echo "!! $broker died" >&2; exit 1; }
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
    series="$series $rss"
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  wait "$GEN" || true
  GEN=""
  sleep 1
  end=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
  echo "$broker: $(cat "$WORK/gen.out")"
  echo "  RSS kB: $series"
  echo "  start $start kB, peak $peak kB, end (1 s after the load) $end kB"
done

#!/usr/bin/env bash
# mqttkit pub/sub against mosquitto_pub/mosquitto_sub on the same private mosquitto, side by
# side in one run (figures in docs/performance.md).
#
# 1. Wall time of one `pub -t t -m hi` at QoS 0 and 1 (hyperfine, RUNS runs each, medians).
# 2. `sub` receiving MESSAGES QoS 0 messages into a pipe: each subscriber in turn, REPEATS
#    times alternating. The publisher is examples/broker_load (batched writes, ~1M msg/s, so
#    the subscriber rather than the publisher is the limit); the time is from the publisher's
#    start to the subscriber's exit (-C MESSAGES), median of the repeats.
#
# Settings (environment): RUNS (100), MESSAGES (100000), REPEATS (5).
# Needs: hyperfine, mosquitto, mosquitto-clients (apt-get install -y hyperfine mosquitto
# mosquitto-clients). Only 127.0.0.1; mosquitto runs privately on a free port (never 1883).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
MESSAGES=${MESSAGES:-100000}
REPEATS=${REPEATS:-5}
for tool in hyperfine mosquitto mosquitto_pub mosquitto_sub python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y hyperfine mosquitto mosquitto-clients)" >&2; exit 1; }
done
cargo build --release --bin mqttkit --example broker_load
WORK=$(mktemp -d)
cp target/release/mqttkit target/release/examples/broker_load "$WORK/"
MK="$WORK/mqttkit"
GEN="$WORK/broker_load"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
CONF
[ "$(id -u)" = 0 ] && echo "user root" >>"$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.05; done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "== one publish: wall time, median of $RUNS runs (hyperfine)"
for q in 0 1; do
  hyperfine -N --warmup 5 -r "$RUNS" --export-json "$WORK/pub$q.json" \
    "$MK pub -h 127.0.0.1 -p $PORT -t t -m hi -q $q" \
    "mosquitto_pub -h 127.0.0.1 -p $PORT -t t -m hi -q $q" >/dev/null 2>&1
  python3 - "$WORK/pub$q.json" "$q" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
mk, mq = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"  QoS {sys.argv[2]}: mqttkit pub {mk:.2f} ms, mosquitto_pub {mq:.2f} ms, ratio {mk / mq:.2f}")
PY
done

echo "== sub: $MESSAGES QoS 0 messages into a pipe, median of $REPEATS"
receive() { # $1: mqttkit|mosquitto → seconds from publisher start to subscriber exit
  local sub
  if [ "$1" = mqttkit ]; then sub=("$MK" sub); else sub=(mosquitto_sub); fi
  "${sub[@]}" -h 127.0.0.1 -p "$PORT" -t 'bench/#' -C "$MESSAGES" -W 120 >"$WORK/received" &
  local pid=$!
  sleep 0.5 # subscribed by then on loopback (this is a benchmark, not a test)
  local start
  start=$(date +%s.%N)
  "$GEN" throughput --addr "127.0.0.1:$PORT" --publishers 1 --subscribers 0 --qos 0 \
    --size 64 --messages "$MESSAGES" >/dev/null
  wait "$pid"
  local end
  end=$(date +%s.%N)
  local got
  got=$(wc -l <"$WORK/received")
  [ "$got" -eq "$MESSAGES" ] || { echo "$1 received $got of $MESSAGES" >&2; exit 1; }
  awk -v a="$end" -v b="$start" 'BEGIN { print a - b }'
}
: >"$WORK/t.mqttkit"; : >"$WORK/t.mosquitto"
for _ in $(seq "$REPEATS"); do
  receive mqttkit >>"$WORK/t.mqttkit"
  receive mosquitto >>"$WORK/t.mosquitto"
done
mk=$(median <"$WORK/t.mqttkit"); mq=$(median <"$WORK/t.mosquitto")
awk -v mk="$mk" -v mq="$mq" -v n="$MESSAGES" 'BEGIN {
  printf "  mqttkit sub %.3f s (%.0f msg/s), mosquitto_sub %.3f s (%.0f msg/s), rate ratio %.2f\n", mk, n / mk, mq, n / mq, mq / mk }'

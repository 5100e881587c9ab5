#!/usr/bin/env bash
# `mqttkit bench` as a load generator, side by side with its peers in one run (figures in
# docs/performance.md):
#
# 1. Efficiency: CPU seconds (user + sys of the generator process) per 1M QoS 0 64-byte
#    messages, 1 publisher and 0 or 1 subscriber through a private mosquitto at RATE msg/s
#    for RUN_SECONDS, mqttkit bench pub/pubsub and `mqttv5 bench` (mqttv5-cli) alternating,
#    REPEATS rounds, medians.
# 2. Ceiling: the highest rate one `mqttkit bench pub` reaches on one core (taskset) into
#    examples/mqtt_sink, which only counts what arrives.
# 3. Latency floor: bench pubsub's end-to-end p50 at FLOOR_RATE msg/s through mosquitto,
#    against examples/echo_rtt (one blocking client that publishes to itself), alternating.
#
# Settings (environment): RATE (50000), RUN_SECONDS (10), REPEATS (3), FLOOR_RATE (1000),
# FLOOR_REPEATS (7: the p50 of one 5 s round moves by a quarter from round to round).
# Needs: mosquitto (apt-get install -y mosquitto), mqttv5 on PATH or in $MQTTV5
# (cargo install mqttv5-cli), python3. Only 127.0.0.1; mosquitto runs privately on a free
# port (never 1883).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-50000}
RUN_SECONDS=${RUN_SECONDS:-10}
REPEATS=${REPEATS:-3}
FLOOR_RATE=${FLOOR_RATE:-1000}
FLOOR_REPEATS=${FLOOR_REPEATS:-7}
MQTTV5=${MQTTV5:-$(command -v mqttv5 || true)}
for tool in mosquitto python3 taskset; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
cargo build --release --bin mqttkit --example mqtt_sink --example echo_rtt
WORK=$(mktemp -d)
cp target/release/mqttkit target/release/examples/mqtt_sink target/release/examples/echo_rtt "$WORK/"
MK="$WORK/mqttkit"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
cat >"$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
CONF
[ "$(id -u)" = 0 ] && echo "user root" >>"$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
BROKER=$!
SINK=
trap 'kill $BROKER $SINK 2>/dev/null; rm -rf "$WORK"' EXIT
wait_port() { for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.05; done; }
wait_port "$PORT"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# cpu CMD... → "user+sys seconds" of CMD, its stdout in $WORK/out
cpu() { /usr/bin/time -f "%U %S" -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null; awk '{print $1 + $2}' "$WORK/time"; }

for subs in 0 1; do
  echo "== efficiency: CPU s per 1M QoS 0 64 B messages, 1 publisher, $subs subscriber(s), through mosquitto at $RATE/s for ${RUN_SECONDS} s"
  mode=pubsub; [ "$subs" = 0 ] && mode=pub
  extra=(); [ "$subs" = 1 ] && extra=(--subscribers 1)
  : >"$WORK/mk"; : >"$WORK/v5"
  for round in $(seq "$REPEATS"); do
    c=$(cpu "$MK" bench "$mode" -h 127.0.0.1 -p "$PORT" --rate "$RATE" --duration "${RUN_SECONDS}s" --size 64 "${extra[@]}" --quiet --json)
    n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["sent"])' "$WORK/out")
    echo "$c $n" | awk '{printf "%.3f\n", $1 / ($2 / 1e6)}' >>"$WORK/mk"
    echo "  round $round: mqttkit bench $mode $c s for $n messages"
    if [ -n "$MQTTV5" ]; then
      c=$(cpu "$MQTTV5" bench --mode throughput -H 127.0.0.1 -p "$PORT" --rate "$RATE" \
        --duration "$RUN_SECONDS" --warmup 0 --publishers 1 --subscribers "$subs" --payload-size 64 -q 0)
      n=$(python3 -c 'import json,sys; t=open(sys.argv[1]).read(); print(json.loads(t[t.index("{"):])["results"]["published"])' "$WORK/out")
      echo "$c $n" | awk '{printf "%.3f\n", $1 / ($2 / 1e6)}' >>"$WORK/v5"
      echo "  round $round: mqttv5 bench        $c s for $n messages"
    fi
  done
  mk=$(median <"$WORK/mk")
  if [ -n "$MQTTV5" ]; then
    v5=$(median <"$WORK/v5")
    echo "  median: mqttkit $mk s, mqttv5 $v5 s per 1M messages; ratio $(echo "$mk $v5" | awk '{printf "%.2f", $1 / $2}')"
  else
    echo "  median: mqttkit $mk s per 1M messages (mqttv5 not found: cargo install mqttv5-cli)"
  fi
done

echo "== ceiling: one bench pub on one core into a sink"
SINK_PORT=$(free_port)
"$WORK/mqtt_sink" "127.0.0.1:$SINK_PORT" >"$WORK/sink.log" &
SINK=$!
wait_port "$SINK_PORT"
for rate in 1000000 2000000 4000000 8000000; do
  taskset -c 1 "$MK" bench pub -h 127.0.0.1 -p "$SINK_PORT" --rate "$rate" --duration 3s --quiet --json >"$WORK/out"
  python3 - "$WORK/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["counts"]
print(f"  offered {r['load']['offered_rate']:.0f}/s: achieved {r['rates']['sent']:.0f}/s, "
      f"{c['late']} late, max lag {c['max_lag_us']} µs, {c['unsent']} unsent")
PY
done

echo "== latency floor: p50 at $FLOOR_RATE msg/s through mosquitto, $FLOOR_REPEATS rounds"
# echo_rtt times each round trip twice: until its read returns, and until the message reached
# its socket (the kernel's arrival time, which is where bench's latency ends on plain TCP).
: >"$WORK/floor_mk"; : >"$WORK/floor_echo"; : >"$WORK/floor_arrival"
for round in $(seq "$FLOOR_REPEATS"); do
  "$WORK/echo_rtt" "127.0.0.1:$PORT" $((FLOOR_RATE * 5)) "$FLOOR_RATE" 64 >"$WORK/out"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["p50"])' "$WORK/out" >>"$WORK/floor_echo"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("arrival_p50", "nan"))' "$WORK/out" >>"$WORK/floor_arrival"
  "$MK" bench pubsub -h 127.0.0.1 -p "$PORT" --rate "$FLOOR_RATE" --duration 5s --quiet --json >"$WORK/out"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency"]["end_to_end"]["p50"])' "$WORK/out" >>"$WORK/floor_mk"
  echo "  round $round: echo_rtt p50 $(tail -1 "$WORK/floor_echo") µs (to arrival $(tail -1 "$WORK/floor_arrival") µs), bench pubsub p50 $(tail -1 "$WORK/floor_mk") µs"
done
e=$(median <"$WORK/floor_echo"); a=$(median <"$WORK/floor_arrival"); m=$(median <"$WORK/floor_mk")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
echo "  median: echo $e µs (to arrival $a µs), bench $m µs; ratio $(ratio "$m" "$e") (to arrival $(ratio "$m" "$a"))"

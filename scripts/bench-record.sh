#!/usr/bin/env bash
# Record throughput on one load: `mqttkit record -o FILE` (NDJSON), `mqttkit record --db FILE`
# (SQLite) and `mosquitto_sub -F %j > FILE`, each taking N QoS 0 messages of SIZE bytes that
# `mqttkit bench pub` sends at RATE into the bundled broker; then `replay --speed max` of the
# NDJSON file at QoS 0 and QoS 1. Prints the median of RUNS runs of each, and the ratios.
#
#   scripts/bench-record.sh                       # N=200000 SIZE=64 RATE=1000000 RUNS=5
#   MQTTKIT_BIN=/path/to/mqttkit N=500000 scripts/bench-record.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
SIZE=${SIZE:-64}
RATE=${RATE:-1000000}
RUNS=${RUNS:-5}
PORT=${PORT:-18950}
BIN=${MQTTKIT_BIN:-target/release/mqttkit}
if [ -z "${MQTTKIT_BIN:-}" ]; then
  cargo build --release --locked -q
  BIN="${CARGO_TARGET_DIR:-target}/release/mqttkit"
fi
command -v mosquitto_sub >/dev/null || { echo "mosquitto_sub is not installed" >&2; exit 1; }

dir=$(mktemp -d)
"$BIN" broker -p "$PORT" --max-queued 100000000 --sys-interval 0 >/dev/null 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5

load() {
  "$BIN" bench pub -h 127.0.0.1 -p "$PORT" -c 1 -t bench/t --rate "$RATE" --count "$N" \
    --size "$SIZE" --quiet >/dev/null
}

# One run: start the recorder ($@, which stops after N messages), let it subscribe, load,
# and print messages/s from the start of the load to the recorder's exit.
one() {
  "$@" &
  local rec=$!
  sleep 0.5
  local t0 t1
  t0=$(date +%s.%N)
  load
  wait "$rec"
  t1=$(date +%s.%N)
  echo "$N / ($t1 - $t0)" | bc -l
}

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }

measure() {
  local name=$1
  shift
  local i
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$dir/out"*
    one "$@"
  done | median >"$dir/$name"
}

H=(-h 127.0.0.1 -p "$PORT")
measure mosquitto sh -c "mosquitto_sub ${H[*]} -t 'bench/#' -C $N -F %j > $dir/out.json"
measure ndjson "$BIN" record "${H[@]}" -t 'bench/#' -C "$N" -o "$dir/out.ndjson"
measure sqlite "$BIN" record "${H[@]}" -t 'bench/#' -C "$N" --db "$dir/out.sqlite"

# A recording to replay, at QoS 0 and QoS 1 (no subscriber: the broker's fan-out is not
# measured).
"$BIN" record "${H[@]}" -t 'bench/#' -C "$N" -o "$dir/rec0.ndjson" &
rec=$!
sleep 0.5
load
wait "$rec"
sed 's/"qos":0,/"qos":1,/' "$dir/rec0.ndjson" >"$dir/rec1.ndjson"
replay_rate() {
  local i
  for ((i = 0; i < RUNS; i++)); do
    "$BIN" replay "$1" "${H[@]}" --speed max --json | python3 -c \
      'import json, sys; s = json.load(sys.stdin); print(s["sent"] / s["elapsed_s"])'
  done | median
}
r0=$(replay_rate "$dir/rec0.ndjson")
r1=$(replay_rate "$dir/rec1.ndjson")

m=$(cat "$dir/mosquitto") j=$(cat "$dir/ndjson") s=$(cat "$dir/sqlite")
echo "N=$N SIZE=$SIZE RATE=$RATE RUNS=$RUNS (medians, messages/s)"
echo
echo "| recorder | msg/s | vs mosquitto_sub |"
echo "|---|---:|---:|"
printf '| mosquitto_sub -F %%j > file | %s | 1.00 |\n' "$m"
printf '| mqttkit record -o file.ndjson | %s | %.2f |\n' "$j" "$(echo "$j / $m" | bc -l)"
printf '| mqttkit record --db file.sqlite | %s | %.2f |\n' "$s" "$(echo "$s / $m" | bc -l)"
echo
echo "| replay --speed max | msg/s |"
echo "|---|---:|"
echo "| QoS 0 | $r0 |"
echo "| QoS 1 | $r1 |"

#!/usr/bin/env bash
# Bridge throughput and added latency, side by side in one run: `mqttkit bridge` against
# mosquitto's own bridge (a `connection` section in mosquitto.conf), each forwarding
# `bench/#` from one local mosquitto (A) to another (B) at QoS 1, on the same load:
# `mqttkit bench pub -q 1` into A, `mqttkit bench sub -q 1` on B (end-to-end latency from the
# publisher's send time to B's subscriber). The same load published straight into B, with no
# bridge, is the baseline the added latency is measured against.
#
# Two loads: THROUGHPUT (N messages offered at RATE, above what a bridge forwards: the
# receive rate is the bridge's throughput) and LATENCY (LAT_N messages at LAT_RATE, which
# neither bridge saturates). Prints the median of RUNS runs of each figure.
#
#   scripts/bench-bridge.sh          # N=50000 RATE=100000 LAT_N=10000 LAT_RATE=1000 SIZE=64 RUNS=3
#   MQTTKIT_BIN=/path/to/mqttkit RUNS=5 scripts/bench-bridge.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-50000}
RATE=${RATE:-100000}
LAT_N=${LAT_N:-10000}
LAT_RATE=${LAT_RATE:-1000}
SIZE=${SIZE:-64}
RUNS=${RUNS:-3}
PA=${PORT:-18970}
PB=$((PA + 1))
BIN=${MQTTKIT_BIN:-}
if [ -z "$BIN" ]; then
  cargo build --release --locked -q
  BIN="${CARGO_TARGET_DIR:-target}/release/mqttkit"
fi
command -v mosquitto >/dev/null || { echo "mosquitto is not installed" >&2; exit 1; }

dir=$(mktemp -d)
pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; rm -rf "$dir"' EXIT

# mosquitto on port $1 with extra config lines $2; unlimited queues, so nothing is dropped.
mosq() {
  printf 'user root\nlistener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n%b\n' \
    "$1" "${2:-}" >"$dir/m$1.conf"
  mosquitto -c "$dir/m$1.conf" >/dev/null 2>&1 &
  pids+=($!)
}

# One run: mode (mosquitto | mqttkit | direct), count, rate. Prints "rate p50 p99 lost".
one() {
  local mode=$1 n=$2 rate=$3 pub_port=$PA
  mosq "$PB"
  case $mode in
    mosquitto)
      mosq "$PA" "connection bench\naddress 127.0.0.1:$PB\ntopic bench/# out 1\ncleansession true\nnotifications false"
      ;;
    mqttkit)
      mosq "$PA"
      sleep 0.3
      "$BIN" bridge --from "mqtt://127.0.0.1:$PA" --to "mqtt://127.0.0.1:$PB" -t 'bench/#' -q 1 \
        --name "bench-$$" 2>"$dir/bridge.err" &
      pids+=($!)
      ;;
    direct) pub_port=$PB ;;
  esac
  sleep 1
  timeout 120 "$BIN" bench sub -h 127.0.0.1 -p "$PB" -q 1 --count "$n" --quiet --json >"$dir/sub.json" &
  local sub=$!
  sleep 0.5
  "$BIN" bench pub -h 127.0.0.1 -p "$pub_port" -q 1 --rate "$rate" --count "$n" --size "$SIZE" \
    --quiet >/dev/null
  wait "$sub" || true
  python3 - "$dir/sub.json" "$n" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("0 0 0", sys.argv[2]); sys.exit()
e = d["latency"]["end_to_end"]
print(round(d["rates"]["received"]), e["p50"], e["p99"], int(sys.argv[2]) - d["counts"]["received"])
EOF
  stop_all
}

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }

# measure NAME MODE COUNT RATE: RUNS runs, the medians of each column in $dir/NAME.{rate,p50,p99,lost}
measure() {
  local name=$1 mode=$2 n=$3 rate=$4 i
  for ((i = 0; i < RUNS; i++)); do one "$mode" "$n" "$rate"; done >"$dir/$name.runs"
  local col k=1
  for col in rate p50 p99 lost; do
    awk -v k=$k '{ print $k }' "$dir/$name.runs" | median >"$dir/$name.$col"
    k=$((k + 1))
  done
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in mosquitto mqttkit direct; do
  measure "tp-$mode" "$mode" "$N" "$RATE"
  measure "lat-$mode" "$mode" "$LAT_N" "$LAT_RATE"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
get() { cat "$dir/$1"; }

echo
echo "THROUGHPUT: N=$N offered at $RATE/s, QoS 1, SIZE=$SIZE, RUNS=$RUNS (medians)"
echo
echo "| path A → B | received msg/s | lost |"
echo "|---|---:|---:|"
for mode in mosquitto mqttkit; do
  printf '| %s bridge | %s | %s |\n' "$mode" "$(get tp-$mode.rate)" "$(get tp-$mode.lost)"
done
printf '| no bridge (into B) | %s | %s |\n' "$(get tp-direct.rate)" "$(get tp-direct.lost)"
echo
echo "LATENCY: LAT_N=$LAT_N at $LAT_RATE/s, QoS 1, SIZE=$SIZE, RUNS=$RUNS (medians, µs)"
echo
echo "| path A → B | p50 | p99 | added p50 | added p99 | lost |"
echo "|---|---:|---:|---:|---:|---:|"
d50=$(get lat-direct.p50) d99=$(get lat-direct.p99)
for mode in mosquitto mqttkit; do
  p50=$(get lat-$mode.p50) p99=$(get lat-$mode.p99)
  printf '| %s bridge | %s | %s | %s | %s | %s |\n' "$mode" "$p50" "$p99" \
    $((p50 - d50)) $((p99 - d99)) "$(get lat-$mode.lost)"
done
printf '| no bridge (into B) | %s | %s | – | – | %s |\n' "$d50" "$d99" "$(get lat-direct.lost)"

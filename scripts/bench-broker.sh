#!/usr/bin/env bash
# Broker throughput and memory: mqttkit's bundled broker against a private mosquitto, side by
# side in the same run (see docs/performance.md for how to read the output).
#
# For each case (QoS 0 and 1; 1 and 10 publishers → 1 subscriber; 64-byte payloads) and each
# protocol (MQTT 3.1.1 and MQTT 5) it runs examples/broker_load.rs against each broker
# alternately, REPEATS times, and prints, per protocol, the median rate of each, their ratio
# (mqttkit/mosquitto) and the broker CPU time per message. It does so twice: first with each
# broker pinned to core 0 and the generator to core 1 (a one-core comparison), then unpinned
# (brokers and generator share both cores). Last, memory: broker RSS before and after holding
# IDLE_CONNS idle connections, on fresh broker processes, at each protocol.
#
# Settings (environment): REPEATS (5), MSGS_QOS0 (2000000), MSGS_QOS1 (300000), SIZE (64),
# IDLE_CONNS (5000), PASSES ("pinned unpinned"), PROTOCOLS ("4 5": 4 is MQTT 3.1.1, 5 is MQTT 5),
# OUT (target/bench-broker: raw results), QUEUE (each broker's per-client queue limit: 1000000,
# or MSGS_QOS0 when larger, so neither drops), MQTTKIT_BIN (the mqttkit binary to measure, e.g. an
# older build for a before/after comparison; default target/release/mqttkit).
# Only 127.0.0.1 is used; mosquitto runs privately on a free port (never 1883), and both brokers
# are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${REPEATS:-5}
MSGS_QOS0=${MSGS_QOS0:-2000000}
MSGS_QOS1=${MSGS_QOS1:-300000}
SIZE=${SIZE:-64}
IDLE_CONNS=${IDLE_CONNS:-5000}
PASSES=${PASSES:-"pinned unpinned"}
PROTOCOLS=${PROTOCOLS:-"4 5"}
OUT=${OUT:-target/bench-broker}
QUEUE=${QUEUE:-$((MSGS_QOS0 > 1000000 ? MSGS_QOS0 : 1000000))}
CASES=("0 1" "0 10" "1 1" "1 10") # "QOS PUBLISHERS"
for proto in $PROTOCOLS; do
  case $proto in 4 | 5) ;; *) echo "PROTOCOLS: $proto is not 4 or 5" >&2; exit 1 ;; esac
done
PROTOCOLS=$(printf '%s\n' $PROTOCOLS | sort -nu | paste -sd ' ') # 3.1.1 first

proto_name() { if [ "$1" = 4 ]; then echo "MQTT 3.1.1"; else echo "MQTT 5"; fi; }

command -v mosquitto >/dev/null || { echo "mosquitto is not installed (apt-get install -y mosquitto)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is not installed (util-linux)" >&2; exit 1; }

cargo build --release --examples --bin mqttkit
mkdir -p "$OUT"
WORK=$(mktemp -d)
# Private copies: a rebuild during the run must not swap the binaries under us.
cp "${MQTTKIT_BIN:-target/release/mqttkit}" "$WORK/mqttkit"
cp target/release/examples/broker_load "$WORK/"
MQTTKIT="$WORK/mqttkit"
GEN="$WORK/broker_load"
ulimit -n "$(ulimit -Hn)"
TICK=$(getconf CLK_TCK)
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'pass\tprotocol\tqos\tpublishers\tbroker\trepeat\tsent\treceived\tseconds\trate\tcpu_seconds\n' >"$RESULTS"

MK_PID="" MQ_PID="" GEN_PID=""
cleanup() {
  for pid in $GEN_PID $MK_PID $MQ_PID; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_mqttkit PREFIX...: sets MK_PID and MK_PORT.
start_mqttkit() {
  : >"$WORK/mk.out"
  "$@" "$MQTTKIT" broker -p 0 --sys-interval 0 --max-queued "$QUEUE" >"$WORK/mk.out" 2>>"$WORK/mk.err" &
  MK_PID=$!
  for _ in $(seq 100); do
    MK_PORT=$(sed -n '1s/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/mk.out")
    [ -n "$MK_PORT" ] && return 0
    sleep 0.05
  done
  echo "mqttkit broker did not start: $(cat "$WORK/mk.err")" >&2
  exit 1
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range, never 1883
    [ -z "$(ss -ltnH "sport = :$port")" ] && { echo "$port"; return; }
  done
}

# start_mosquitto PREFIX...: sets MQ_PID and MQ_PORT.
start_mosquitto() {
  MQ_PORT=$(free_port)
  cat >"$WORK/mosquitto.conf" <<EOF
listener $MQ_PORT 127.0.0.1
allow_anonymous true
persistence false
user root
max_queued_messages $QUEUE
max_inflight_messages 20
log_dest none
EOF
  "$@" mosquitto -c "$WORK/mosquitto.conf" 2>>"$WORK/mq.err" &
  MQ_PID=$!
  for _ in $(seq 100); do
    [ -n "$(ss -ltnH "sport = :$MQ_PORT")" ] && return 0
    kill -0 "$MQ_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "mosquitto did not start: $(cat "$WORK/mq.err")" >&2
  exit 1
}

peak_rss() { # the broker's peak RSS so far
  echo "  peak RSS: mqttkit $(awk '/^VmHWM:/ {print $2}' "/proc/$MK_PID/status") kB, mosquitto $(awk '/^VmHWM:/ {print $2}' "/proc/$MQ_PID/status") kB"
}

stop_brokers() {
  for pid in $MK_PID $MQ_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  MK_PID="" MQ_PID=""
}

cpu_ticks() { # utime + stime of PID, in clock ticks
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

json_field() { # json_field NAME JSON
  sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"
}

median() { # reads numbers on stdin
  sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# run_one PASS PROTOCOL BROKER QOS PUBLISHERS REPEAT GEN_PREFIX...
run_one() {
  local pass=$1 proto=$2 broker=$3 qos=$4 pubs=$5 rep=$6
  shift 6
  local pid port msgs
  if [ "$broker" = mqttkit ]; then pid=$MK_PID port=$MK_PORT; else pid=$MQ_PID port=$MQ_PORT; fi
  if [ "$qos" = 0 ]; then msgs=$MSGS_QOS0; else msgs=$MSGS_QOS1; fi
  local before after line
  before=$(cpu_ticks "$pid")
  line=$("$@" timeout 120 "$GEN" throughput --addr "127.0.0.1:$port" --protocol "$proto" --publishers "$pubs" \
    --subscribers 1 --qos "$qos" --size "$SIZE" --messages "$msgs" 2>>"$WORK/gen.err" || true)
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "!! $broker (pid $pid) died during v$proto qos$qos $pubs→1 (repeat $rep); see below" >&2
    cat "$WORK/mk.err" "$WORK/mq.err" >&2 2>/dev/null || true
    exit 1
  fi
  after=$(cpu_ticks "$pid")
  if [ -z "$line" ]; then
    echo "!! the generator failed against $broker: $(tail -3 "$WORK/gen.err")" >&2
    line='{"messages_sent":0,"messages_received":0,"seconds":0,"rate":0}'
  fi
  local sent received seconds rate cpu
  sent=$(json_field messages_sent "$line")
  received=$(json_field messages_received "$line")
  seconds=$(json_field seconds "$line")
  rate=$(json_field rate "$line")
  cpu=$(awk -v t=$((after - before)) -v hz="$TICK" 'BEGIN {printf "%.2f", t / hz}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pass" "$proto" "$qos" "$pubs" "$broker" \
    "$rep" "$sent" "$received" "$seconds" "$rate" "$cpu" >>"$RESULTS"
  printf '  %-9s v%s qos%s %2s→1  rep %s: %8s msg/s  received %s/%s  %ss  broker cpu %ss\n' \
    "$broker" "$proto" "$qos" "$pubs" "$rep" "$rate" "$received" "$sent" "$seconds" "$cpu"
  if [ "$received" != "$sent" ] || [ "$sent" != "$msgs" ]; then
    echo "  !! $broker (v$proto) delivered $received of $sent (asked $msgs)" >&2
  fi
}

# Columns of $RESULTS: 1 pass, 2 protocol, 3 qos, 4 publishers, 5 broker, 6 repeat, 7 sent,
# 8 received, 9 seconds, 10 rate, 11 cpu_seconds.
stat_of() { # stat_of PASS PROTOCOL QOS PUBS BROKER COLUMN
  awk -F'\t' -v p="$1" -v v="$2" -v q="$3" -v n="$4" -v b="$5" -v c="$6" \
    '$1 == p && $2 == v && $3 == q && $4 == n && $5 == b {print $c}' "$RESULTS"
}

cpu_us_per_msg() { # cpu_us_per_msg PASS PROTOCOL QOS PUBS BROKER: median over repeats of broker CPU µs per received message
  awk -F'\t' -v p="$1" -v v="$2" -v q="$3" -v n="$4" -v b="$5" \
    '$1 == p && $2 == v && $3 == q && $4 == n && $5 == b && $8 > 0 {print $11 * 1e6 / $8}' "$RESULTS" | median
}

lost() { # lost PASS PROTOCOL QOS PUBS BROKER: messages sent minus received, over all repeats
  awk -F'\t' -v p="$1" -v v="$2" -v q="$3" -v n="$4" -v b="$5" \
    '$1 == p && $2 == v && $3 == q && $4 == n && $5 == b {s += $7 - $8} END {print s + 0}' "$RESULTS"
}

echo "== $(date -u '+%F %T') UTC; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p'); repeats $REPEATS; QoS0 $MSGS_QOS0 / QoS1 $MSGS_QOS1 messages of $SIZE B; queue limit $QUEUE; protocols $PROTOCOLS"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

for pass in $PASSES; do
  if [ "$pass" = pinned ]; then
    BROKER_PREFIX=(taskset -c 0) GEN_PREFIX=(taskset -c 1)
    echo "== pass: pinned (broker on core 0, generator on core 1)"
  else
    BROKER_PREFIX=() GEN_PREFIX=()
    echo "== pass: unpinned (brokers and generator share both cores)"
  fi
  start_mqttkit "${BROKER_PREFIX[@]}"
  start_mosquitto "${BROKER_PREFIX[@]}"
  # Warm-up, not recorded.
  for port in "$MK_PORT" "$MQ_PORT"; do
    "${GEN_PREFIX[@]}" timeout 60 "$GEN" throughput --addr "127.0.0.1:$port" --messages 50000 >/dev/null
  done
  for c in "${CASES[@]}"; do
    read -r qos pubs <<<"$c"
    for rep in $(seq "$REPEATS"); do
      # Alternate which broker goes first.
      if [ $((rep % 2)) = 1 ]; then order="mqttkit mosquitto"; else order="mosquitto mqttkit"; fi
      for proto in $PROTOCOLS; do
        for broker in $order; do
          run_one "$pass" "$proto" "$broker" "$qos" "$pubs" "$rep" "${GEN_PREFIX[@]}"
        done
      done
    done
  done
  peak_rss
  stop_brokers
done
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

for proto in $PROTOCOLS; do
  echo
  echo "== throughput, $(proto_name "$proto"): median messages/s received over $REPEATS runs; broker CPU µs per message"
  printf '| %-8s | %-12s | %13s | %13s | %7s | %12s | %12s | %s |\n' pass case mqttkit mosquitto ratio \
    "mqttkit µs" "mosq. µs" "lost (mqttkit/mosq.)"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------- -------------- --------------- --------------- --------- \
    -------------- -------------- ----------------------
  for pass in $PASSES; do
    for c in "${CASES[@]}"; do
      read -r qos pubs <<<"$c"
      mk=$(stat_of "$pass" "$proto" "$qos" "$pubs" mqttkit 10 | median)
      mq=$(stat_of "$pass" "$proto" "$qos" "$pubs" mosquitto 10 | median)
      ratio=$(awk -v a="$mk" -v b="$mq" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}')
      printf '| %-8s | QoS%s %2s→1    | %13.0f | %13.0f | %6sx | %12.2f | %12.2f | %s / %s |\n' "$pass" "$qos" "$pubs" \
        "$mk" "$mq" "$ratio" "$(cpu_us_per_msg "$pass" "$proto" "$qos" "$pubs" mqttkit)" \
        "$(cpu_us_per_msg "$pass" "$proto" "$qos" "$pubs" mosquitto)" \
        "$(lost "$pass" "$proto" "$qos" "$pubs" mqttkit)" "$(lost "$pass" "$proto" "$qos" "$pubs" mosquitto)"
    done
  done
done
echo "raw results: $RESULTS"

echo
echo "== memory: broker RSS before and after $IDLE_CONNS idle connections (fresh brokers for each protocol)"
for proto in $PROTOCOLS; do
  start_mqttkit
  start_mosquitto
  sleep 0.5
  for broker in mqttkit mosquitto; do
    if [ "$broker" = mqttkit ]; then pid=$MK_PID port=$MK_PORT; else pid=$MQ_PID port=$MQ_PORT; fi
    before=$(rss_kb "$pid")
    "$GEN" idle --addr "127.0.0.1:$port" --protocol "$proto" --connections "$IDLE_CONNS" --hold 600 >"$WORK/idle.out" 2>>"$WORK/gen.err" &
    GEN_PID=$!
    for _ in $(seq 1200); do
      grep -q ready "$WORK/idle.out" && break
      kill -0 "$GEN_PID" 2>/dev/null || { echo "idle generator failed: $(tail -3 "$WORK/gen.err")" >&2; exit 1; }
      sleep 0.05
    done
    sleep 1
    after=$(rss_kb "$pid")
    kill "$GEN_PID"
    wait "$GEN_PID" 2>/dev/null || true
    GEN_PID=""
    sleep 1
    closed=$(rss_kb "$pid")
    printf '  %-9s v%s RSS %6d kB → %6d kB with %d connections: %6.0f B per connection (%d kB after they closed)\n' \
      "$broker" "$proto" "$before" "$after" "$IDLE_CONNS" "$(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNS" 'BEGIN {print (a - b) * 1024 / n}')" "$closed"
  done
  stop_brokers
done

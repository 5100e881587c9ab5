#!/usr/bin/env bash
# TLS listeners: handshake rate and throughput of the bundled broker's TLS listener against a
# private mosquitto's, with the same throwaway certificate, and the same throughput on each
# broker's plain listener for reference (what TLS costs each broker). Figures in
# docs/performance.md ("TLS listeners").
#
# The script makes a CA and a server certificate for 127.0.0.1 and localhost with openssl in
# its temp dir (KEY: ec, a P-256 key as tests/common/pki.rs makes with rcgen, or rsa, 2048
# bits), starts `mqttkit broker -p 0 --tls-port 0 --cert --key` and a mosquitto with a plain
# and a TLS listener (certfile/keyfile) on free ports, and the load generator is
# `mqttkit bench` (-L mqtts://127.0.0.1:PORT --cafile ca.pem, --json). For REPEATS rounds,
# alternating which broker goes first, against each broker:
#
# 1. Handshakes, as fast as they go: `bench conn -c CONNS --connect-rate 1000000` (all due at
#    once), over TLS and over plain TCP: connections per second (connected ÷ the time until
#    the last CONNACK) and the broker's CPU per connection. Its p50/p99 are mostly queueing,
#    and a burst overflows the brokers' accept queues (listen backlog: mqttkit 128,
#    mosquitto 100): each SYN dropped is retried by the kernel after 1 s, so the script also
#    counts TcpExt ListenOverflows (system-wide) per run.
# 2. Handshake latency at a rate both sustain: `bench conn -c PACED_CONNS --connect-rate
#    PACED_RATE` over TLS: TCP connect + TLS + CONNECT → CONNACK, p50 and p99.
# 3. Throughput: `bench pubsub`, 1 publisher → 1 subscriber, SIZE-byte payloads, QoS 0
#    (COUNT_QOS0 messages) and QoS 1 (COUNT_QOS1), over TLS and plain, offered at RATE msg/s
#    (far above what either broker moves, so the publisher sends as fast as it can).
#    Delivered msg/s = received ÷ the time from the run's start to the last delivery, taken
#    as (count − 1)/RATE + the largest end-to-end latency (bench's own rates.received divides
#    by the time to the last *send*, which overstates a broker that buffers: at QoS 0 the
#    subscriber can be seconds behind). Also the broker's CPU µs per message.
#
# It prints medians, the mqttkit/mosquitto ratio and, per broker, TLS ÷ plain.
#
# Settings (environment): REPEATS (3), CONNS (2000), PACED_CONNS (300), PACED_RATE (100),
# COUNT_QOS0 (300000), COUNT_QOS1 (100000), SIZE (64), RATE (10000000), KEY (ec),
# OUT (target/bench-tls: raw results), MQTTKIT_BIN (the mqttkit binary to measure; when it is
# unset the script builds target/release/mqttkit). Both brokers get a queue limit of
# COUNT_QOS0 per client (neither drops) and 20 in flight.
# Needs mosquitto, openssl and jq. Only 127.0.0.1; mosquitto runs privately on free ports
# (never 1883); both brokers are stopped and the temp dir removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${REPEATS:-3}
CONNS=${CONNS:-2000}
PACED_CONNS=${PACED_CONNS:-300}
PACED_RATE=${PACED_RATE:-100}
COUNT_QOS0=${COUNT_QOS0:-300000}
COUNT_QOS1=${COUNT_QOS1:-100000}
SIZE=${SIZE:-64}
RATE=${RATE:-10000000}
KEY=${KEY:-ec}
OUT=${OUT:-target/bench-tls}
QUEUE=$COUNT_QOS0
case $KEY in ec | rsa) ;; *) echo "KEY: $KEY is not ec or rsa" >&2; exit 1 ;; esac

for tool in mosquitto openssl jq; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y mosquitto openssl jq)" >&2; exit 1; }
done

if [ -z "${MQTTKIT_BIN:-}" ]; then
  cargo build --release --bin mqttkit
fi
mkdir -p "$OUT"
WORK=$(mktemp -d)
# A private copy: a rebuild during the run must not swap the binary under us.
cp "${MQTTKIT_BIN:-target/release/mqttkit}" "$WORK/mqttkit"
MQTTKIT="$WORK/mqttkit"
ulimit -n "$(ulimit -Hn)"
TICK=$(getconf CLK_TCK)
RESULTS="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'repeat\tbroker\ttest\tlistener\tvalue\tp50_us\tp99_us\tdone\tasked\terrors\tcpu_seconds\tlisten_overflows\n' >"$RESULTS"

MK_PID="" MQ_PID=""
cleanup() {
  for pid in $MK_PID $MQ_PID; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A throwaway CA and a server certificate for localhost and 127.0.0.1, used by both brokers.
make_pki() {
  local newkey
  if [ "$KEY" = ec ]; then
    newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
  else
    newkey=(-newkey rsa:2048)
  fi
  (
    cd "$WORK"
    openssl req -x509 "${newkey[@]}" -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=mqttkit-bench-ca \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req "${newkey[@]}" -nodes -keyout server.key -out server.csr -subj /CN=localhost
    printf '%s\n' basicConstraints=CA:FALSE keyUsage=critical,digitalSignature,keyEncipherment \
      extendedKeyUsage=serverAuth subjectAltName=DNS:localhost,IP:127.0.0.1 >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
      -extfile server.ext
  ) >"$WORK/openssl.log" 2>&1 || { echo "openssl failed: $(tail -3 "$WORK/openssl.log")" >&2; exit 1; }
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000)) # below the ephemeral range, never 1883
    [ -z "$(ss -ltnH "sport = :$port")" ] && { echo "$port"; return; }
  done
}

# Sets MK_PID, MK_PORT (plain) and MK_TLS (TLS).
start_mqttkit() {
  : >"$WORK/mk.out"
  "$MQTTKIT" broker -p 0 --tls-port 0 --cert "$WORK/server.pem" --key "$WORK/server.key" --sys-interval 0 \
    --max-queued "$QUEUE" --max-inflight 20 >"$WORK/mk.out" 2>>"$WORK/mk.err" &
  MK_PID=$!
  for _ in $(seq 100); do
    MK_PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/mk.out")
    MK_TLS=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\) (mqtts)$/\1/p' "$WORK/mk.out")
    [ -n "$MK_PORT" ] && [ -n "$MK_TLS" ] && return 0
    kill -0 "$MK_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "mqttkit broker did not start: $(cat "$WORK/mk.err")" >&2
  exit 1
}

# Sets MQ_PID, MQ_PORT (plain) and MQ_TLS (TLS).
start_mosquitto() {
  MQ_PORT=$(free_port)
  MQ_TLS=$(free_port)
  while [ "$MQ_TLS" = "$MQ_PORT" ]; do MQ_TLS=$(free_port); done
  # set_tcp_nodelay: bench sets TCP_NODELAY, and mosquitto otherwise holds small packets
  # (PUBACKs) behind Nagle's algorithm (docs/bench.md, "Nagle").
  cat >"$WORK/mosquitto.conf" <<EOF
listener $MQ_PORT 127.0.0.1
listener $MQ_TLS 127.0.0.1
certfile $WORK/server.pem
keyfile $WORK/server.key
allow_anonymous true
persistence false
user root
set_tcp_nodelay true
max_queued_messages $QUEUE
max_inflight_messages 20
log_dest none
EOF
  mosquitto -c "$WORK/mosquitto.conf" 2>>"$WORK/mq.err" &
  MQ_PID=$!
  for _ in $(seq 100); do
    [ -n "$(ss -ltnH "sport = :$MQ_PORT")" ] && [ -n "$(ss -ltnH "sport = :$MQ_TLS")" ] && return 0
    kill -0 "$MQ_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "mosquitto did not start: $(cat "$WORK/mq.err")" >&2
  exit 1
}

listen_overflows() { # TcpExt ListenOverflows, system-wide: SYNs dropped because an accept queue was full
  awk '$1 == "TcpExt:" {if (!n) {for (i = 2; i <= NF; i++) if ($i == "ListenOverflows") c = i; n = 1} else print $c}' /proc/net/netstat
}

cpu_ticks() { # utime + stime of PID, in clock ticks
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

median() { # reads numbers on stdin
  sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

url() { # url BROKER LISTENER
  local port scheme=mqtt
  if [ "$1" = mqttkit ]; then
    if [ "$2" = tls ]; then port=$MK_TLS; else port=$MK_PORT; fi
  else
    if [ "$2" = tls ]; then port=$MQ_TLS; else port=$MQ_PORT; fi
  fi
  [ "$2" = tls ] && scheme=mqtts
  echo "$scheme://127.0.0.1:$port"
}

tls_args() { # the generator's TLS flags for LISTENER
  [ "$1" = tls ] && echo "--cafile $WORK/ca.pem"
  return 0
}

# run_one REPEAT BROKER TEST LISTENER: TEST is burst (handshakes as fast as they go),
# paced (handshakes at PACED_RATE), qos0 or qos1 (throughput).
run_one() {
  local rep=$1 broker=$2 test=$3 listener=$4
  local pid json before after cpu value p50 p99 done asked errors ovf
  if [ "$broker" = mqttkit ]; then pid=$MK_PID; else pid=$MQ_PID; fi
  local common=(-L "$(url "$broker" "$listener")" $(tls_args "$listener") --json --quiet)
  ovf=$(listen_overflows)
  before=$(cpu_ticks "$pid")
  case $test in
    burst)
      asked=$CONNS
      json=$(timeout 120 "$MQTTKIT" bench conn "${common[@]}" -c "$CONNS" --connect-rate 1000000 --duration 0s \
        --client-prefix "tls-$rep-$broker-$test-$listener-" 2>>"$WORK/gen.err" || true)
      ;;
    paced)
      asked=$PACED_CONNS
      json=$(timeout 120 "$MQTTKIT" bench conn "${common[@]}" -c "$PACED_CONNS" --connect-rate "$PACED_RATE" \
        --duration 0s --client-prefix "tls-$rep-$broker-$test-$listener-" 2>>"$WORK/gen.err" || true)
      ;;
    qos0 | qos1)
      local qos=${test#qos}
      if [ "$qos" = 0 ]; then asked=$COUNT_QOS0; else asked=$COUNT_QOS1; fi
      json=$(timeout 300 "$MQTTKIT" bench pubsub "${common[@]}" -q "$qos" --size "$SIZE" --rate "$RATE" \
        --count "$asked" --client-prefix "tls-$rep-$broker-$test-$listener-" 2>>"$WORK/gen.err" || true)
      ;;
  esac
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "!! $broker (pid $pid) died during $test over $listener (repeat $rep)" >&2
    cat "$WORK/mk.err" "$WORK/mq.err" >&2 2>/dev/null || true
    exit 1
  fi
  after=$(cpu_ticks "$pid")
  ovf=$(($(listen_overflows) - ovf))
  cpu=$(awk -v t=$((after - before)) -v hz="$TICK" 'BEGIN {printf "%.2f", t / hz}')
  if [ -z "$json" ] || ! jq -e . >/dev/null 2>&1 <<<"$json"; then
    echo "  !! the generator failed against $broker ($test, $listener): $(tail -2 "$WORK/gen.err")" >&2
    value=0 p50=0 p99=0 done=0 errors=-1
  else
    case $test in
      burst | paced)
        done=$(jq '.counts.connected' <<<"$json")
        value=$(jq '.counts.connected / .elapsed_s' <<<"$json")
        p50=$(jq '.latency.connect.p50 // 0' <<<"$json")
        p99=$(jq '.latency.connect.p99 // 0' <<<"$json")
        ;;
      *)
        done=$(jq '.counts.received' <<<"$json")
        value=$(jq --argjson rate "$RATE" --argjson n "$asked" \
          '.counts.received / (($n - 1) / $rate + .latency.end_to_end.max / 1e6)' <<<"$json")
        p50=$(jq '.latency.end_to_end.p50 // 0' <<<"$json")
        p99=$(jq '.latency.end_to_end.p99 // 0' <<<"$json")
        ;;
    esac
    errors=$(jq '.counts.errors + .counts.lost' <<<"$json")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$broker" "$test" "$listener" "$value" \
    "$p50" "$p99" "$done" "$asked" "$errors" "$cpu" "$ovf" >>"$RESULTS"
  local unit=msg/s
  case $test in burst | paced) unit=conn/s ;; esac
  printf '  %-9s rep %s %-5s %-5s: %9.0f %s  p50 %8s µs  p99 %8s µs  %s/%s  errors+lost %s  broker cpu %ss  listen overflows %s\n' \
    "$broker" "$rep" "$test" "$listener" "$value" "$unit" "$p50" "$p99" "$done" "$asked" "$errors" "$cpu" "$ovf"
  if [ "$done" != "$asked" ] || [ "$errors" != 0 ]; then
    echo "  !! $broker ($test, $listener): $done of $asked, errors+lost $errors" >&2
  fi
  # Let the broker close the last run's connections before the next run starts.
  sleep 0.5
}

# Columns of $RESULTS: 1 repeat, 2 broker, 3 test, 4 listener, 5 value, 6 p50_us, 7 p99_us,
# 8 done, 9 asked, 10 errors, 11 cpu_seconds, 12 listen_overflows.
med() { # med BROKER TEST LISTENER COLUMN: median over the repeats
  awk -F'\t' -v b="$1" -v t="$2" -v l="$3" -v c="$4" 'NR > 1 && $2 == b && $3 == t && $4 == l {print $c}' "$RESULTS" | median
}
cpu_per() { # cpu_per BROKER TEST LISTENER SCALE: median broker CPU per done (× SCALE)
  awk -F'\t' -v b="$1" -v t="$2" -v l="$3" -v s="$4" \
    'NR > 1 && $2 == b && $3 == t && $4 == l && $8 > 0 {print $11 * s / $8}' "$RESULTS" | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }

negotiated() { # what openssl's client and the broker settle on (the bench client is rustls)
  openssl s_client -connect "127.0.0.1:$1" -CAfile "$WORK/ca.pem" -servername localhost </dev/null 2>/dev/null |
    sed -n 's/^New, \(.*\), Cipher is \(.*\)$/\1 \2/p; s/^Server Temp Key: \(.*\)$/key exchange \1/p' | paste -sd ';' -
}

make_pki
start_mqttkit
start_mosquitto
echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?') load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "# mqttkit binary: ${MQTTKIT_BIN:-target/release/mqttkit (built from this tree)}"
echo "# mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p'), $(openssl version | cut -d' ' -f1-2); $KEY server key; repeats $REPEATS"
echo "# handshakes: $CONNS at once (burst), $PACED_CONNS at $PACED_RATE/s (paced); throughput: 1→1, $SIZE B, QoS 0 $COUNT_QOS0 / QoS 1 $COUNT_QOS1 messages offered at $RATE/s"
echo "# TLS as openssl s_client sees it: mqttkit $(negotiated "$MK_TLS"); mosquitto $(negotiated "$MQ_TLS")"
# Warm-up, not recorded.
for broker in mqttkit mosquitto; do
  for listener in plain tls; do
    "$MQTTKIT" bench pubsub -L "$(url "$broker" "$listener")" $(tls_args "$listener") --rate "$RATE" --count 20000 \
      --quiet >/dev/null 2>>"$WORK/gen.err" || echo "  !! warm-up against $broker ($listener) failed" >&2
  done
done

TESTS=("burst tls" "burst plain" "paced tls" "qos0 tls" "qos0 plain" "qos1 tls" "qos1 plain")
for rep in $(seq "$REPEATS"); do
  if [ $((rep % 2)) = 1 ]; then order="mqttkit mosquitto"; else order="mosquitto mqttkit"; fi
  for t in "${TESTS[@]}"; do
    read -r test listener <<<"$t"
    for broker in $order; do
      run_one "$rep" "$broker" "$test" "$listener"
    done
  done
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# peak RSS: mqttkit $(awk '/^VmHWM:/ {print $2}' "/proc/$MK_PID/status") kB, mosquitto $(awk '/^VmHWM:/ {print $2}' "/proc/$MQ_PID/status") kB"

echo
echo "== medians over $REPEATS rounds; ratio = mqttkit / mosquitto; broker CPU per connection (ms) or per message (µs)"
printf '| %-34s | %11s | %11s | %6s | %12s | %12s |\n' measure mqttkit mosquitto ratio "mqttkit cpu" "mosq. cpu"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------------ ------------: ------------: -------: \
  --------------: --------------:
row() { # row LABEL TEST LISTENER COLUMN CPU_SCALE
  local mk mq
  mk=$(med mqttkit "$2" "$3" "$4")
  mq=$(med mosquitto "$2" "$3" "$4")
  local cmk="" cmq=""
  if [ "$5" != - ]; then
    cmk=$(printf '%.3g' "$(cpu_per mqttkit "$2" "$3" "$5")")
    cmq=$(printf '%.3g' "$(cpu_per mosquitto "$2" "$3" "$5")")
  fi
  printf '| %-34s | %11.0f | %11.0f | %5sx | %12s | %12s |\n' "$1" "$mk" "$mq" "$(ratio "$mk" "$mq")" "$cmk" "$cmq"
}
row "TLS handshakes/s (burst of $CONNS)" burst tls 5 1000
row "  its CONNACK p50, µs" burst tls 6 -
row "  its CONNACK p99, µs" burst tls 7 -
row "plain connects/s (burst of $CONNS)" burst plain 5 1000
row "TLS CONNACK p50 at $PACED_RATE/s, µs" paced tls 6 1000
row "TLS CONNACK p99 at $PACED_RATE/s, µs" paced tls 7 -
row "QoS 0 msg/s, TLS" qos0 tls 5 1e6
row "QoS 0 msg/s, plain" qos0 plain 5 1e6
row "QoS 1 msg/s, TLS" qos1 tls 5 1e6
row "QoS 1 msg/s, plain" qos1 plain 5 1e6

printf '  accept-queue overflows per burst (TcpExt ListenOverflows, system-wide; each costs a 1 s SYN retransmit), medians: TLS mqttkit %s, mosquitto %s; plain mqttkit %s, mosquitto %s\n' \
  "$(med mqttkit burst tls 12)" "$(med mosquitto burst tls 12)" "$(med mqttkit burst plain 12)" "$(med mosquitto burst plain 12)"

echo
echo "== what TLS costs each broker: TLS ÷ plain (medians)"
for broker in mqttkit mosquitto; do
  printf '  %-9s connects/s %s  QoS 0 msg/s %s  QoS 1 msg/s %s\n' "$broker" \
    "$(ratio "$(med "$broker" burst tls 5)" "$(med "$broker" burst plain 5)")" \
    "$(ratio "$(med "$broker" qos0 tls 5)" "$(med "$broker" qos0 plain 5)")" \
    "$(ratio "$(med "$broker" qos1 tls 5)" "$(med "$broker" qos1 plain 5)")"
done
echo "raw results: $RESULTS"

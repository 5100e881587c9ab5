#!/usr/bin/env bash
# The test command: installs the interoperability peers (Debian's mosquitto and its clients,
# and Python's paho-mqtt 2.x) and tmux (the terminal tests/top.rs drives `mqttkit top` in)
# when missing, then runs every test. Tests that need a peer say
# why they skip when it cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mosquitto >/dev/null || ! command -v mosquitto_sub >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
  else
    echo "note: mosquitto is not installed; its interoperability tests will skip" >&2
  fi
fi

if ! command -v tmux >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq tmux >/dev/null
  else
    echo "note: tmux is not installed; the terminal tests of mqttkit top will skip" >&2
  fi
fi

# paho-mqtt 2.x for tests/interop_v5_clients.rs and the WebSocket test of
# tests/broker_listeners.rs. As root (CI) into the system Python, which Debian marks
# externally managed; without pip the tests skip.
if command -v python3 >/dev/null &&
  ! python3 -c 'import sys, paho.mqtt; sys.exit(paho.mqtt.__version__[:2] != "2.")' 2>/dev/null; then
  if [ "$(id -u)" = 0 ]; then export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore; fi
  python3 -m pip install --quiet --no-input 'paho-mqtt>=2,<3' </dev/null ||
    echo "note: paho-mqtt could not be installed; its interoperability tests will skip" >&2
fi

cargo test --locked "$@"

#!/usr/bin/env bash
# The test command: installs the interoperability peers (Debian's mosquitto and its clients,
# python3 with paho-mqtt for the WebSocket interoperability test) when missing, then runs
# every test. Tests that need mosquitto say why they skip when it
# cannot be installed.
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

if ! python3 -c 'import paho.mqtt.client' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3 python3-paho-mqtt >/dev/null
  else
    echo "note: python3 with paho-mqtt is not installed; its WebSocket test will skip" >&2
  fi
fi

cargo test --locked "$@"

#!/usr/bin/env bash
# The test command: installs the interoperability peers (Debian's mosquitto and its clients)
# when missing, then runs every test. Tests that need mosquitto say why they skip when it
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

cargo test --locked "$@"

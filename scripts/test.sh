#!/usr/bin/env bash
# Install broker-audit with its test extras into .venv and run the whole test suite.
# Used by the README and by .ci/run. Safe to run again: it reuses .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real-keyring tests use GNOME Keyring on a private D-Bus session. Install it where we can
# (CI runs as root on Debian); without it those tests skip and say why.
if ! command -v gnome-keyring-daemon >/dev/null 2>&1 || ! command -v dbus-daemon >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnome-keyring dbus dbus-x11 >/dev/null) \
      || echo "note: could not install gnome-keyring; the real-keyring tests will skip" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Install broker-audit with its test extras into .venv and run the whole test suite.
# Used by the README and by .ci/run. Safe to run again: it reuses .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real parts the tests use where they can run: GNOME Keyring on a private D-Bus session (the
# keyring tests) and Chromium (the audit report is rendered in a real headless browser).
# CI runs as root on Debian and installs them; elsewhere those tests skip and say why.
missing=()
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus dbus-x11)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "note: could not install ${missing[*]}; the tests that need them will skip" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"

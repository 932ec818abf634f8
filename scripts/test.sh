#!/usr/bin/env bash
# Install broker-audit with its test tools from the lock into .venv, then run every check CI runs:
# ruff (lint and format), mypy, the named checks over the shipped data, and the whole pytest
# suite including the slow tests.
#   bash scripts/test.sh                 everything (the README's command; CI adds --fresh)
#   bash scripts/test.sh --fresh         start from a new .venv
#   bash scripts/test.sh --fast          skip the tests marked slow (quick local runs)
# Other arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

install_args=(test)
pytest_args=(--run-slow)
for arg in "$@"; do
  case "$arg" in
    --fresh) install_args+=(--fresh) ;;
    --fast) pytest_args=() ;;
    *) pytest_args+=("$arg") ;;
  esac
done

# Real parts the tests use where they can run: GNOME Keyring on a private D-Bus session (the
# keyring tests), Chromium (the audit report is rendered in a real headless browser) and Dovecot
# (the inbox tests read a real IMAP server on 127.0.0.1; the suite starts its own, never the
# system's), and Tesseract (scanned replies are read by OCR). CI runs as root on Debian and installs
# them; elsewhere those tests skip and say why.
missing=()
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
{ command -v dovecot || test -x /usr/sbin/dovecot; } >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus dbus-x11)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Tesseract with English and Spanish data: the findings tests OCR scanned replies (they skip without).
{ command -v tesseract && tesseract --list-langs | grep -qx spa; } >/dev/null 2>&1 \
  || missing+=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "note: could not install ${missing[*]}; the tests that need them will skip" >&2
fi

bash scripts/install.sh "${install_args[@]}"
echo "== ruff check" >&2
.venv/bin/ruff check .
echo "== ruff format --check" >&2
.venv/bin/ruff format --check .
echo "== mypy" >&2
.venv/bin/mypy
echo "== registry check (the shipped brokers and laws: errors fail, warnings are listed)" >&2
.venv/bin/broker-audit registry check
echo "== pytest" >&2
exec .venv/bin/python -m pytest "${pytest_args[@]}"

#!/usr/bin/env bash
# Install broker-audit into .venv from the locked, hashed versions in requirements/.
#   bash scripts/install.sh          runtime only (what `broker-audit` needs)
#   bash scripts/install.sh test     runtime + test tools, the package installed editable
#   --fresh                          delete .venv first (CI does this)
# pip checks every hash, installs nothing that is not in the lock (--no-deps), and builds
# broker-audit itself with the locked hatchling (--no-build-isolation), so a fresh machine gets
# exactly the versions the tests passed with.
set -euo pipefail
cd "$(dirname "$0")/.."
which=run
for arg in "$@"; do
  case "$arg" in
    --fresh) rm -rf .venv ;;
    run|test) which=$arg ;;
    *) echo "usage: bash scripts/install.sh [run|test] [--fresh]" >&2; exit 2 ;;
  esac
done
python3 -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install -q --require-hashes --no-deps -r "requirements/$which.txt"
if [ "$which" = test ]; then
  "${pip[@]}" install -q --no-deps --no-build-isolation -e .
else
  "${pip[@]}" install -q --no-deps --no-build-isolation .
fi

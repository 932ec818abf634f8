#!/usr/bin/env bash
# Install broker-audit into .venv from the locked, hashed versions in requirements/.
#   bash scripts/install.sh          runtime only (what `broker-audit` needs)
#   bash scripts/install.sh test     runtime + test tools, the package installed editable
#   bash scripts/install.sh ocr      runtime + OCR of scanned replies: pypdfium2 from the lock, and
#                                    (as root on Debian, else it prints the command) Tesseract with
#                                    its English and Spanish data
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
    run|test|ocr) which=$arg ;;
    *) echo "usage: bash scripts/install.sh [run|test|ocr] [--fresh]" >&2; exit 2 ;;
  esac
done
if [ "$which" = ocr ]; then
  ocr_packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa)
  if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx spa \
      && tesseract --list-langs 2>/dev/null | grep -qx eng; then
    :
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${ocr_packages[@]}" >/dev/null
  else
    echo "Tesseract is needed for OCR; install it, e.g.: sudo apt-get install ${ocr_packages[*]}" >&2
    echo "(macOS: brew install tesseract tesseract-lang). Continuing with the Python part." >&2
  fi
fi
python3 -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install -q --require-hashes --no-deps -r "requirements/$which.txt"
if [ "$which" = test ]; then
  "${pip[@]}" install -q --no-deps --no-build-isolation -e .
else
  "${pip[@]}" install -q --no-deps --no-build-isolation .
fi

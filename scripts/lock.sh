#!/usr/bin/env bash
# Regenerate the locked, hashed requirement files from pyproject.toml (needs uv: `pip install uv`).
# requirements/test.txt: runtime + test tools; requirements/run.txt: runtime only, same versions;
# requirements/ocr.txt: the OCR extra (on top of run.txt), same versions.
# Run it after changing a dependency range, then run `bash scripts/test.sh` and commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--universal --python-version 3.11 --generate-hashes --custom-compile-command "bash scripts/lock.sh" -q)
uv pip compile pyproject.toml requirements/build.in --extra test "${common[@]}" -o requirements/test.txt "$@"
uv pip compile pyproject.toml requirements/build.in -c requirements/test.txt "${common[@]}" -o requirements/run.txt
uv pip compile pyproject.toml requirements/build.in --extra ocr -c requirements/test.txt "${common[@]}" -o requirements/ocr.txt

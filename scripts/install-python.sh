#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs vanban into it (with test tools when asked).
# Usage: scripts/install-python.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' || {
  echo "vanban needs Python 3.11 (Debian 12's python3); set PYTHON to one." >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".${extra}"

#!/usr/bin/env bash
# Installs the Debian packages vanban needs at run time and in tests; the Dockerfile runs it too.
# Usage: scripts/install-system-deps.sh [--runtime-only]
set -euo pipefail

runtime=(
  libreoffice-writer-nogui   # DOCX -> PDF (nd30-spec §13: embed a Times-metric font)
  python3-uno                # UNO bridge for the warm converter pool
  fonts-liberation2          # Liberation Serif 2.x: Times New Roman metrics with Vietnamese glyphs
  fontconfig
  python3 python3-venv       # Python 3.11 for the service
  poppler-utils              # pdftoppm / pdftotext for previews and checks
  redis-server               # broker for the Celery batch backend; the batch tests start their own
  ca-certificates
)
testing=(
  git
  chromium                   # the clerk form's browser test (Playwright drives it; no download)
  postgresql                 # the tests start a throwaway cluster of their own (tests/postgres.py)
)

pkgs=("${runtime[@]}")
if [ "${1:-}" != "--runtime-only" ]; then
  pkgs+=("${testing[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

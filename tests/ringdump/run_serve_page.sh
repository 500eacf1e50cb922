#!/usr/bin/env bash
# ringdump serve's page in headless Chromium (check_serve_page.js).  Exit 77
# (a skip, with the reason) without node, a browser or io_uring; CI
# installs both (scripts/deps.sh).
#   run_serve_page.sh RINGDUMP RING_HOLDER [SCREENSHOT.png]
set -euo pipefail
here=$(dirname "$0")
command -v node >/dev/null || { echo "skip: node is not installed (scripts/deps.sh installs nodejs)"; exit 77; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "skip: no Chromium (scripts/deps.sh installs Debian's chromium)"; exit 77; }
exec node "$here/check_serve_page.js" "$1" "$2" "$browser" "${3:-}"

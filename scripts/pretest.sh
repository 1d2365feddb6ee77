#!/usr/bin/env bash
# Runs before `npm test`: builds the library and kernel, and installs Debian's Jupyter tools and
# Chromium when this machine can (root with apt). Without them the Jupyter and browser tests skip,
# unless TSGRAD_REQUIRE_JUPYTER=1 (set by CI), which makes their absence a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
  TSGRAD_WITH_BROWSER=1 bash scripts/install-system-deps.sh || {
    echo "pretest: could not install Debian's Jupyter tools" >&2
    [ "${TSGRAD_REQUIRE_JUPYTER:-0}" = 1 ] && exit 1
  }
fi
npm run build

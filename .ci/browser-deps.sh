#!/usr/bin/env bash
# Installs what the browser tests (tests/test_browser.py, marked `browser`) need:
# Debian's headless Chromium at /usr/bin/chromium, a font for screenshots, and the Playwright
# Python driver. Playwright's own browser download (`playwright install`) is never used.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi

if ! python3 -c "import playwright" 2>/dev/null; then
    python3 -m pip install --quiet "playwright>=1.44"
fi

/usr/bin/chromium --version
python3 -c "import playwright, importlib.metadata as m; print('playwright', m.version('playwright'))"

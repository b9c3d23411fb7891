#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser tests (Playwright drives it directly;
# we never run `playwright install`). Installs it when we may, otherwise says what to install.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
cat >&2 <<MSG
The browser tests need Debian's Chromium at $CHROMIUM.
Install it with:   sudo apt-get install chromium
(then run 'make test' again).
MSG
exit 1

#!/usr/bin/env bash
# Make sure Debian's headless Chromium is present for the PDFs and the browser tests (Playwright drives it
# directly; we never run `playwright install`). Installs it when we may, otherwise says what to install.
# The path is analysis/build/pdf.py's CHROMIUM (tests/test_pdf.py holds the two equal).
set -euo pipefail
PACKAGE=chromium-headless-shell
CHROMIUM=/usr/lib/chromium/chromium-headless-shell
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's $PACKAGE for the PDFs and the browser tests (apt-get)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$PACKAGE" >/dev/null
  exit 0
fi
cat >&2 <<MSG
The PDFs and the browser tests need Debian's $PACKAGE at $CHROMIUM.
Install it with:   sudo apt-get install $PACKAGE
(then run 'make test' again).
MSG
exit 1

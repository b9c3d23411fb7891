#!/usr/bin/env bash
# Make sure TeX's own BibTeX (and the standard plain and apalike styles) is present for the test
# that runs every chapter's BibTeX snippet through it. Installs Debian's packages when we may,
# otherwise says what to install.
set -euo pipefail
if command -v bibtex >/dev/null 2>&1 && kpsewhich plain.bst >/dev/null 2>&1 && kpsewhich apalike.bst >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's BibTeX (texlive-binaries, texlive-base) for the citation tests (apt-get)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends texlive-binaries texlive-base >/dev/null
  exit 0
fi
cat >&2 <<MSG
The citation tests need TeX's bibtex with the plain and apalike styles.
Install them with:   sudo apt-get install texlive-binaries texlive-base
(then run the tests again).
MSG
exit 1

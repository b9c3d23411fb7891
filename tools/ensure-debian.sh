#!/usr/bin/env bash
# Make sure a tool some tests need is present; install its Debian packages when we may (root with
# apt-get), otherwise say what to install.
#   tools/ensure-debian.sh WHAT CHECK PACKAGE...
# WHAT names the tool in messages, CHECK is a shell command that succeeds once it is there.
set -euo pipefail
what="$1"; check="$2"; shift 2
if bash -c "$check" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing $what ($*) with apt-get..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  bash -c "$check" >/dev/null 2>&1 && exit 0
fi
cat >&2 <<MSG
The tests need $what.
Install it with:   sudo apt-get install $*
(then run the tests again).
MSG
exit 1

#!/usr/bin/env bash
# cffconvert in its own environment, at the versions of requirements-cffconvert.lock: cffconvert 2
# requires jsonschema<4 and the book's environment holds jsonschema 4 (frictionless needs it).
# Prints the path of the cffconvert command.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCK="$ROOT/requirements-cffconvert.lock"
VENV="$ROOT/.venv/tools/cffconvert"
STAMP="$VENV/.installed-$(sha256sum "$LOCK" | cut -c1-12)"
if [ ! -f "$STAMP" ]; then
  rm -rf "$VENV"
  "${PYTHON:-$ROOT/.venv/bin/python}" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$LOCK" >&2
  touch "$STAMP"
fi
echo "$VENV/bin/cffconvert"

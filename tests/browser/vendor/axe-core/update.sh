#!/usr/bin/env bash
# Re-vendor axe-core from the npm registry: tests/browser/vendor/axe-core/update.sh [VERSION]
# Writes axe.min.js, its licences and SOURCE.json (version, tarball, npm integrity, sha256).
# tests/browser/test_axe_vendor.py checks the file against SOURCE.json on every test run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-$(npm view axe-core version)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$tmp/package/LICENSE-3RD-PARTY.txt" "$here/"
integrity="$(npm view "axe-core@$version" dist.integrity)"
tarball="$(npm view "axe-core@$version" dist.tarball)"
license="$(npm view "axe-core@$version" license)"
sum="$(sha256sum "$here/axe.min.js" | cut -d' ' -f1)"
cat > "$here/SOURCE.json" <<JSON
{
  "package": "axe-core",
  "version": "$version",
  "license": "$license",
  "tarball": "$tarball",
  "integrity": "$integrity",
  "files": {
    "axe.min.js": "$sum"
  }
}
JSON
echo "axe-core $version vendored in $here"

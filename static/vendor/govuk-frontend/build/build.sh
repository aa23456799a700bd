#!/usr/bin/env bash
# Rebuild every vendored front-end file from pinned npm packages.
# Maintainers only: needs node + npm and the npm registry. The app never runs this.
#
# Usage: bash static/vendor/govuk-frontend/build/build.sh   (from any directory)
set -euo pipefail

GOVUK_FRONTEND_VERSION=5.14.0
SASS_VERSION=1.108.2
HTMX_VERSION=2.0.11
AXE_CORE_VERSION=4.14.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
govuk_out="$repo/static/vendor/govuk-frontend"
htmx_out="$repo/static/vendor/htmx"
axe_out="$repo/tests/e2e/vendor"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
  "sass@$SASS_VERSION" \
  "htmx.org@$HTMX_VERSION" \
  "axe-core@$AXE_CORE_VERSION"

# GOV.UK Frontend CSS, unbranded (settings live in consult.scss).
mkdir -p "$govuk_out"
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed --no-source-map \
  --quiet-deps --silence-deprecation=import \
  "$here/consult.scss" "$govuk_out/govuk-frontend.min.css"

# GOV.UK Frontend JS: the prebuilt ES module, byte for byte, plus its source map.
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$govuk_out/"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map "$govuk_out/"
# (LICENSE.txt for govuk-frontend is kept in the repo: the npm package ships none.)

# htmx
mkdir -p "$htmx_out"
cp node_modules/htmx.org/dist/htmx.min.js "$htmx_out/"
cp node_modules/htmx.org/LICENSE "$htmx_out/LICENSE.txt"

# axe-core (browser accessibility tests only, never served by the app)
mkdir -p "$axe_out"
cp node_modules/axe-core/axe.min.js "$axe_out/"
cp node_modules/axe-core/LICENSE "$axe_out/LICENSE.txt"
cp node_modules/axe-core/LICENSE-3RD-PARTY.txt "$axe_out/"

# The unbranded CSS must not reference fonts or images.
if grep -q 'GDS Transport' "$govuk_out/govuk-frontend.min.css"; then
  echo "build.sh: GDS Transport found in CSS" >&2; exit 1
fi
if grep -q 'url(' "$govuk_out/govuk-frontend.min.css"; then
  echo "build.sh: CSS references asset URLs; vendor them or drop the component" >&2
  grep -o 'url([^)]*)' "$govuk_out/govuk-frontend.min.css" >&2; exit 1
fi

echo "Rebuilt: govuk-frontend $GOVUK_FRONTEND_VERSION (sass $SASS_VERSION), htmx.org $HTMX_VERSION, axe-core $AXE_CORE_VERSION"

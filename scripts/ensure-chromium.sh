#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (CI runs this before the
# tests; the test setup does the same on a developer's machine). Fails loudly if it cannot.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null ||
  { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
test -x /usr/bin/chromium || { echo "Chromium is still missing at /usr/bin/chromium" >&2; exit 1; }

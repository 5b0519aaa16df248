#!/usr/bin/env sh
# Install Debian's chromium for the UI browser test when it is missing (idempotent; needs root or sudo).
# The test drives it through pip playwright with executable_path=/usr/bin/chromium: never `playwright install`.
set -eu

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "ensure_chromium: /usr/bin/chromium is missing and this user cannot install it (not root, no sudo)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
$as_root apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version

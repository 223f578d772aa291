#!/usr/bin/env bash
# The system packages seamline needs beyond Python, checked and installed in one place (the Makefile's
# `make test` and `make run`, and .ci/run, all call this script).
#
#   scripts/system_deps.sh test   pango (WeasyPrint's PDF output), Debian's chromium (browser tests) and
#                                 poppler-utils (pdftoppm, to look at rendered PDFs)
#   scripts/system_deps.sh run    pango only (the web app's and the CLI's PDF output)
#
# Nothing is done when everything is there (no package index, no sudo). Otherwise the missing Debian
# packages are installed with apt-get when that can happen without a prompt: as root, or through
# passwordless `sudo -n`. When it cannot, the script stops at once with one line saying what to install,
# and exit code 1. SEAMLINE_SYSTEM_DEPS=skip skips the check (the tests that need a package then fail or
# skip).
set -uo pipefail

profile="${1:-test}"
case "$profile" in
    test | run) ;;
    *)
        echo "system_deps.sh: unknown profile '$profile'; expected test or run" >&2
        exit 2
        ;;
esac
if [ "${SEAMLINE_SYSTEM_DEPS:-}" = "skip" ]; then
    exit 0
fi

# ldconfig lives in /sbin on Debian, outside a normal user's PATH; appended, so a PATH entry comes first.
PATH="$PATH:/usr/sbin:/sbin"

missing() {
    local need=()
    local libraries
    libraries="$(ldconfig -p 2>/dev/null)"
    [[ "$libraries" == *libpango-1.0.so* ]] || need+=(libpango-1.0-0)
    [[ "$libraries" == *libpangoft2-1.0.so* ]] || need+=(libpangoft2-1.0-0)
    if [ "$profile" = test ]; then
        command -v chromium >/dev/null 2>&1 || need+=(chromium)
        command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
    fi
    echo "${need[*]}"
}

need="$(missing)"
if [ -z "$need" ]; then
    exit 0
fi

hint="install them with: sudo apt-get install -y $need"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing system packages: $need (Debian names; no apt-get here): install them with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    as_root=(env)
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n env)
else
    echo "missing system packages: $need; $hint" >&2
    exit 1
fi

echo "system_deps.sh: installing $need" >&2
# shellcheck disable=SC2086  # $need is a space-separated list of package names
if ! "${as_root[@]}" apt-get update -qq >/dev/null ||
    ! "${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null; then
    echo "missing system packages: $need; apt-get could not install them; $hint" >&2
    exit 1
fi
still="$(missing)"
if [ -n "$still" ]; then
    echo "missing system packages: $still after apt-get install; $hint" >&2
    exit 1
fi

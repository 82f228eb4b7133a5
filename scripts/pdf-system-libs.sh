#!/usr/bin/env bash
# WeasyPrint (quote and spec sheet PDFs) loads Pango through ctypes and needs a font; the pip
# package brings neither. Install them from Debian's packages when they are missing and we
# may (root with apt-get); otherwise say what to install. Used by `make install` and CI.
set -euo pipefail

present() {  # grep -c reads all input: grep -q would SIGPIPE under pipefail
    ldconfig -p | grep -c 'libpango-1.0.so.0' >/dev/null \
        && ldconfig -p | grep -c 'libpangoft2-1.0.so.0' >/dev/null \
        && fc-list 2>/dev/null | grep -ci 'dejavu' >/dev/null
}

present && exit 0
packages="libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Pango and fonts for PDF rendering: $packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages
else
    echo "PDF rendering needs Pango and a font; install: $packages (Debian names)." >&2
    echo "Everything else works without them; PDF renders will report the missing library." >&2
fi

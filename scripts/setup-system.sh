#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing (fresh Debian 12 machine).
# Needs root (or sudo). Does nothing when everything is present.
set -euo pipefail

PACKAGES=(python3 python3-venv python3-dev gcc make nodejs npm)
# Browser tests (tests/browser: Playwright drives Debian's Chromium; its bundled node needs
# libatomic1) and the Chinese UI and screenshots (Noto CJK).
PACKAGES+=(chromium libatomic1 fonts-noto-cjk)
# Official documents as PDF (printing/: WeasyPrint needs pango; without harfbuzz-subset every PDF
# takes seconds) and their checks in tests (poppler's pdftotext, pdffonts, pdftoppm).
PACKAGES+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)   # + fonts-noto-cjk above
# The mayor's mailbox tests poll a real IMAP server (Dovecot, started unprivileged by the test).
PACKAGES+=(dovecot-imapd)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A Python from elsewhere (pyenv) with venv and a node with npm are as good as Debian's.
if python3 -c "import venv, ensurepip" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}"); missing=("${missing[@]/python3-dev}"); missing=("${missing[@]/python3}")
fi
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
command -v gcc >/dev/null 2>&1 && missing=("${missing[@]/gcc}")
command -v make >/dev/null 2>&1 && missing=("${missing[@]/make}")
read -r -a missing <<< "${missing[*]}"
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

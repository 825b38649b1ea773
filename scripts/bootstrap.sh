#!/bin/sh
# Installs what the harness needs on a Debian machine that has only Python 3.11; a no-op when all is there.
set -eu
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
    echo "bootstrap: installing Debian packages: $*" >&2
    if [ -z "$apt_updated" ]; then as_root apt-get update -q >&2; apt_updated=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

# Debian packages: xmlsec1 (pysaml2's signature backend), chromium and its headless shell (the
# real browser; the suite runs the shell, as Playwright does for headless Chromium), docker-compose
# (only to validate docker-compose.yml; no engine is needed for that).
missing=""
command -v xmlsec1 >/dev/null 2>&1 || missing="$missing xmlsec1"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
# Node and npm: the Node witnesses (tests/witnesses) install their npm packages on first use.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
# shellcheck disable=SC2086
[ -z "$missing" ] || apt_install $missing
# The headless shell only makes the browser tests faster: without it they run /usr/bin/chromium.
if [ ! -x /usr/bin/chromium-headless-shell ]; then
    apt_install chromium-headless-shell ||
        echo "bootstrap: no chromium-headless-shell; the browser runs /usr/bin/chromium" >&2
fi

# The SAML witnesses (tests/witnesses): real SPs as their vendors ship them. apache2-bin only
# (the binary and modules, no apache2 service); Shibboleth SP with its shibd; mod_auth_mellon;
# Lasso for Debian's Python. The tests start their own Apache and shibd on 127.0.0.1.
witness=""
[ -x /usr/sbin/apache2 ] || witness="$witness apache2-bin"
[ -f /usr/lib/apache2/modules/mod_shib.so ] || witness="$witness libapache2-mod-shib"
[ -x /usr/sbin/shibd ] || witness="$witness shibboleth-sp-utils"
[ -f /usr/lib/apache2/modules/mod_auth_mellon.so ] || witness="$witness libapache2-mod-auth-mellon"
/usr/bin/python3 -c "import lasso" >/dev/null 2>&1 || witness="$witness python3-lasso"
# shellcheck disable=SC2086
[ -z "$witness" ] || apt_install $witness

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi

# Python packages, pinned; reinstalled only when the lock file or pyproject.toml change.
stamp="$VENV/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "bootstrap: installing Python packages into $VENV" >&2
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi

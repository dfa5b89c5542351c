#!/usr/bin/env bash
# Installs what building and testing Incident Desk needs on Debian/Ubuntu, beyond the Swift
# toolchain: the system SQLite and libsystemd headers, pkg-config, curl (tests use it as an
# independent HTTP client), python3's sqlite3 module (tests use it to go around the daemon), the
# OpenAPI validator, and e2fsprogs and util-linux (the read-only filesystem test mounts an ext4
# image), PostgreSQL 15 (the second storage engine: the tests run a throwaway cluster of
# their own, scripts/pg-test-cluster), pg_auto_failover (postgresql-15-auto-failover and its
# pg_autoctl: the failover test runs a replicated pair, scripts/pg-ha-cluster), and Debian's
# prometheus for its promtool (make test-rules checks and unit-tests the shipped alert rules; the
# Prometheus server the package also brings is stopped and disabled when this script installed
# it). Installs only what is missing; needs root (or sudo) for apt.
#
# With --packaging, also what `make deb` and `make test-installed` need: debhelper, lintian and
# dpkg-dev to build and check the Debian package, systemd-container (systemd-nspawn) to boot a
# real systemd around the installed service. With --browser, what `make test-console` needs:
# Debian's chromium and chromium-driver, and PyPI's selenium, axe-selenium-python and pytest.
set -euo pipefail

packages=(libsqlite3-dev libsystemd-dev pkg-config curl e2fsprogs util-linux postgresql-15
    postgresql-15-auto-failover pg-auto-failover-cli prometheus)
python_packages=()
case "${1:-}" in
    --packaging) packages+=(debhelper dpkg-dev lintian systemd-container procps) ;;
    --browser)
        packages+=(chromium chromium-driver)
        python_packages+=(selenium==4.51.0 axe-selenium-python==2.1.6 pytest==9.0.3)
        ;;
    "") ;;
    *) echo "setup: unknown option $1 (--packaging or --browser)" >&2; exit 64 ;;
esac
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt_get=(apt-get)
    elif command -v sudo >/dev/null 2>&1; then
        apt_get=(sudo apt-get)
    else
        echo "setup: missing system packages: ${missing[*]}" >&2
        echo "setup: run as root, or install them with: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${apt_get[@]}" update -qq
    "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Only promtool is wanted: a Prometheus server the install just started (systemd, or the init
    # script where policy-rc.d allows it) is stopped and kept from starting at boot.
    if [[ " ${missing[*]} " == *" prometheus "* ]]; then
        as_root=("${apt_get[@]:0:${#apt_get[@]}-1}")
        if [ -d /run/systemd/system ]; then
            "${as_root[@]}" systemctl disable --now prometheus.service >/dev/null 2>&1 || true
        elif [ -x /etc/init.d/prometheus ]; then
            "${as_root[@]}" /etc/init.d/prometheus stop >/dev/null 2>&1 || true
            "${as_root[@]}" update-rc.d prometheus disable >/dev/null 2>&1 || true
        fi
    fi
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: no swift on PATH; install the Swift 6 toolchain first (https://www.swift.org/install/)" >&2
    exit 1
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
    echo "setup: python3 has no pip; installing python3-pip"
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
    else sudo apt-get install -y -qq --no-install-recommends python3-pip >/dev/null; fi
fi

if ! python3 -c 'import openapi_spec_validator' 2>/dev/null; then
    echo "setup: installing openapi-spec-validator (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check openapi-spec-validator \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages openapi-spec-validator
fi

for package in "${python_packages[@]}"; do
    module=${package%%=*}
    module=${module//-/_}
    if ! python3 -c "import $module" 2>/dev/null; then
        echo "setup: installing $package (PyPI)"
        python3 -m pip install --quiet --disable-pip-version-check "$package" \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$package"
    fi
done

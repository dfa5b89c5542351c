#!/usr/bin/env bash
# Runs COMMAND with a real, private systemd-journald: in a private mount namespace, so the
# host's /run and /var/log/journal are untouched. The journal files end up in JOURNAL_DIR.
#
#   with-journald.sh JOURNAL_DIR COMMAND [ARGS...]
#
# Read them back with: journalctl --directory=JOURNAL_DIR -o json SYSLOG_IDENTIFIER=deskd
set -euo pipefail
journal_dir=$1
shift
mkdir -p "$journal_dir"
[ -s /etc/machine-id ] || systemd-machine-id-setup >/dev/null
exec unshare -m --propagation private bash -c '
    set -euo pipefail
    journal_dir=$1; shift
    mount -t tmpfs tmpfs /run/systemd 2>/dev/null || { mkdir -p /run/systemd; mount -t tmpfs tmpfs /run/systemd; }
    mkdir -p /run/systemd/journal
    mkdir -p /run/log && mount -t tmpfs tmpfs /run/log
    mkdir -p /var/log/journal && mount --bind "$journal_dir" /var/log/journal
    /lib/systemd/systemd-journald &
    journald=$!
    for _ in $(seq 1 200); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
    [ -S /run/systemd/journal/socket ] || { echo "journald did not start" >&2; exit 70; }
    journalctl --flush >/dev/null 2>&1 || true
    status=0
    "$@" || status=$?
    journalctl --sync >/dev/null 2>&1 || true
    kill -TERM "$journald"; wait "$journald" || true
    exit "$status"
' _ "$journal_dir" "$@"

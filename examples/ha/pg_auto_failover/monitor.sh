#!/usr/bin/env bash
# The pg_auto_failover monitor, on a third, small machine (desk-m): it health-checks both nodes
# and decides which is primary. Without it nothing fails over (the nodes keep running as they
# are), so it must not share a machine with a node. Run once as root on desk-m:
#   apt-get install postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli
#   ./monitor.sh
set -euo pipefail
pgdata=/var/lib/postgresql/15/monitor
sudo -u postgres pg_autoctl create monitor --pgdata "$pgdata" --pgport 5431 \
    --hostname desk-m.example.org --auth scram-sha-256 \
    --ssl-ca-file /etc/ssl/desk/ca.pem --server-cert /etc/ssl/desk/desk-m.pem --server-key /etc/ssl/desk/desk-m.key
# Failover timings (tuning.sql says why these values).
sudo -u postgres psql -p 5431 -d pg_auto_failover -f "$(dirname "$0")/tuning.sql"
# pg_autoctl prints a systemd unit for itself; keep the monitor running from boot.
sudo -u postgres pg_autoctl show systemd --pgdata "$pgdata" > /etc/systemd/system/pgautofailover.service
systemctl daemon-reload
systemctl enable --now pgautofailover
# The nodes register as autoctl_node: give it a password (in ~postgres/.pgpass on the nodes).
sudo -u postgres psql -p 5431 -c "ALTER USER autoctl_node PASSWORD 'change-me'"

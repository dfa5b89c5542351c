#!/usr/bin/env bash
# One PostgreSQL node under pg_auto_failover: run as root on desk-a first (it becomes the
# primary), then on desk-b (a base backup of desk-a, then a synchronous standby):
#   apt-get install postgresql-15 postgresql-15-auto-failover pg-auto-failover-cli
#   ./node.sh desk-a        # on desk-a.example.org
#   ./node.sh desk-b        # on desk-b.example.org, once desk-a is primary
# ~postgres/.pgpass holds autoctl_node's password for the monitor and pgautofailover_replicator's
# for the other node.
set -euo pipefail
name=${1:?usage: node.sh desk-a|desk-b}
pgdata=/var/lib/postgresql/15/desk
monitor="postgres://autoctl_node@desk-m.example.org:5431/pg_auto_failover?sslmode=verify-full&sslrootcert=/etc/ssl/desk/ca.pem"
sudo -u postgres pg_autoctl create postgres --pgdata "$pgdata" --pgport 5432 --name "$name" \
    --hostname "$name.example.org" --auth scram-sha-256 --monitor "$monitor" \
    --dbname desk --username postgres \
    --ssl-ca-file /etc/ssl/desk/ca.pem --server-cert "/etc/ssl/desk/$name.pem" --server-key "/etc/ssl/desk/$name.key"
# Faster promotion once the monitor has decided (the default waits 5 s for the WAL receiver).
sudo -u postgres pg_autoctl config set --pgdata "$pgdata" timeout.prepare_promotion_walreceiver 2
sudo -u postgres pg_autoctl show systemd --pgdata "$pgdata" > /etc/systemd/system/pgautofailover.service
systemctl daemon-reload
systemctl enable --now pgautofailover
if [ "$name" = desk-a ]; then
    # deskd's role and database (replicated to desk-b with everything else). deskd runs its own
    # migrations at start-up, under an advisory lock, so two instances starting at once never race.
    until sudo -u postgres psql -p 5432 -tAc "SELECT NOT pg_is_in_recovery()" | grep -q t; do sleep 1; done
    sudo -u postgres psql -p 5432 -c "CREATE ROLE deskd LOGIN PASSWORD 'change-me'"
    sudo -u postgres psql -p 5432 -c "ALTER DATABASE desk OWNER TO deskd"
fi
# Let deskd in from both deskd hosts (pg_auto_failover keeps its own rules for itself).
for host in desk-a desk-b; do
    line="hostssl desk deskd $host.example.org scram-sha-256"
    grep -qxF "$line" "$pgdata/pg_hba.conf" || echo "$line" >> "$pgdata/pg_hba.conf"
done
sudo -u postgres pg_autoctl reload --pgdata "$pgdata" 2>/dev/null || sudo -u postgres psql -p 5432 -c "SELECT pg_reload_conf()"
# Once both nodes run: a commit waits for both (synchronous_standby_names = 'ANY 1 (...)').
#   sudo -u postgres pg_autoctl show state --pgdata "$pgdata"
#   sudo -u postgres psql -p 5432 -c "SHOW synchronous_standby_names" -c "SELECT application_name, sync_state FROM pg_stat_replication"

-- The monitor's failover timings (psql -p 5431 -d pg_auto_failover -f tuning.sql on desk-m).
-- The defaults (in brackets) fail over in about 30 s; these in about 10 s on a real network,
-- while a node that is slow for a moment (a long checkpoint, a busy network) is not yet thrown
-- out. scripts/pg-ha-cluster, for tests on one machine, goes further: 1 s checks, unhealthy
-- after 2 s, 2 s demote timeout (3 to 7 s without a primary, measured).
ALTER SYSTEM SET pgautofailover.health_check_period = 2000;               -- ms [5000]
ALTER SYSTEM SET pgautofailover.health_check_timeout = 2000;              -- ms [5000]
ALTER SYSTEM SET pgautofailover.health_check_max_retries = 2;             -- [2]
ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 1000;          -- ms [2000]
ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 6000; -- ms [20000]
ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 6000;            -- ms [30000]
SELECT pg_reload_conf();

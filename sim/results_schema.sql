-- The results database of the testbed: one SQLite file per experiment.
--
-- One row per simulated run in `runs`; every other table is keyed by
-- run_id.  A run's result rows are written in ONE transaction at the end of
-- the run together with its final status (sim/recorder.c), so a run either
-- has all its rows or none; a run whose process died keeps status
-- 'running' until isakmp_rec_mark_stale turns it into 'crashed'.
--
-- Determinism: the same scenario, overrides, seed and run give the same
-- rows, except in columns whose name starts with `wall_` (wall-clock
-- times, host measurements, process ids), and except run_id itself.
-- Tests compare runs with those columns left out.
--
-- Units: virtual times are integers in nanoseconds since the start of the
-- simulation (*_ns); sizes in bytes; fractions in [0, 1].
-- Node references are node names (nodes.name), so queries read naturally:
--   SELECT * FROM exchanges WHERE responder = 'gw' AND outcome = 'completed';
--
-- This file is the source; sim/results_schema.c holds the same text as a
-- C string (tests/unit/test_recorder.c checks they are identical).  Every
-- statement is idempotent (IF NOT EXISTS / INSERT OR IGNORE), so opening an
-- existing database runs it again harmlessly.

PRAGMA foreign_keys = ON;

-- One simulated run.
CREATE TABLE IF NOT EXISTS runs (
    run_id          INTEGER PRIMARY KEY,  -- assigned by SQLite, 1, 2, ...
    scenario        TEXT NOT NULL,        -- the scenario's `name`
    scenario_file   TEXT NOT NULL,        -- path of the scenario file as given
    parameters      TEXT NOT NULL DEFAULT '{}', -- swept/overridden settings as a JSON object
                                          -- {"path": value, ...} in sweep order; the
                                          -- identity of a parameter point
    point           INTEGER,              -- sweep point index (NULL outside sweeps)
    replication     INTEGER NOT NULL DEFAULT 0, -- 0.. within the point
    seed            INTEGER NOT NULL,     -- ns-3 RngSeedManager seed
    run_number      INTEGER NOT NULL,     -- ns-3 run number (scenario run + replication)
    duration_ns     INTEGER NOT NULL,     -- virtual time simulated
    engine_version  TEXT NOT NULL,        -- `git describe --always --dirty` of the engine
    ns3_version     TEXT NOT NULL,        -- e.g. "3.37"
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'completed', 'failed', 'crashed')),
                                          -- running: begun, not ended (or died: see crashed);
                                          -- completed: all rows written;
                                          -- failed: the run stopped on an error (see error);
                                          -- crashed: found 'running' after its process died
    error           TEXT,                 -- why a run failed; NULL otherwise
    wall_start      TEXT NOT NULL,        -- wall-clock start, UTC ISO 8601 with ms
    wall_end        TEXT,                 -- wall-clock end (NULL while running / crashed)
    wall_host       TEXT,                 -- host name of the process that ran it
    wall_pid        INTEGER               -- its process id (crash detection)
);

-- Swept/overridden parameters of a run, one row each (the same content as
-- runs.parameters, in a form SQL can group and filter on).
CREATE TABLE IF NOT EXISTS parameters (
    run_id  INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    name    TEXT NOT NULL,      -- setting path, e.g. 'attack.flood.rate'
    value   TEXT NOT NULL,      -- as written in the override (strings unquoted)
    PRIMARY KEY (run_id, name)
);

-- The simulated hosts of a run.
CREATE TABLE IF NOT EXISTS nodes (
    run_id   INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    name     TEXT NOT NULL,     -- scenario node name
    node_id  INTEGER NOT NULL,  -- ns-3 node id (0.. in scenario order)
    role     TEXT NOT NULL CHECK (role IN ('responder', 'initiator', 'attacker', 'middlebox')),
    address  TEXT NOT NULL,     -- main IPv4 address, dotted quad
    cores    INTEGER NOT NULL,  -- CPU cores of the CPU model
    policy   TEXT,              -- IKE policy name (NULL for attackers, middleboxes)
    PRIMARY KEY (run_id, name)
);

-- One row per IKE exchange (phase 1 or Quick Mode), as seen by its initiator
-- for legitimate traffic.
CREATE TABLE IF NOT EXISTS exchanges (
    run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    exchange_id     INTEGER NOT NULL,  -- 1.. in order of start within the run
    initiator       TEXT NOT NULL,     -- node name
    responder       TEXT NOT NULL,     -- node name
    phase           INTEGER NOT NULL CHECK (phase IN (1, 2)),
    mode            TEXT NOT NULL,     -- 'main', 'aggressive', 'quick'
    auth            TEXT,              -- 'psk', 'rsa-sig', 'pke', 'rpke' (phase 1), NULL for quick
    dh_group        INTEGER,           -- IKE group number negotiated (or PFS group); NULL if none
    start_ns        INTEGER NOT NULL,  -- first message sent
    end_ns          INTEGER,           -- completion or failure; NULL if the run ended first
    outcome         TEXT NOT NULL CHECK (outcome IN ('completed', 'failed', 'timeout', 'unfinished')),
    failure_reason  TEXT,              -- engine's reason (e.g. 'no-proposal-chosen'); NULL on success
    notify          INTEGER,           -- Notify message type received or sent on failure (RFC 2408 §3.14.1)
    messages        INTEGER NOT NULL DEFAULT 0, -- ISAKMP messages sent and received by the initiator
    bytes           INTEGER NOT NULL DEFAULT 0, -- their UDP payload bytes
    retransmissions INTEGER NOT NULL DEFAULT 0, -- initiator's retransmissions
    PRIMARY KEY (run_id, exchange_id)
);
CREATE INDEX IF NOT EXISTS exchanges_outcome ON exchanges(run_id, phase, outcome);

-- Every expensive cryptographic operation: what it cost in virtual time
-- (deterministic, from the cost table) and what it took on this machine.
CREATE TABLE IF NOT EXISTS crypto_ops (
    run_id       INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    op_id        INTEGER NOT NULL,  -- 1.. in order within the run
    node         TEXT NOT NULL,     -- node name
    t_ns         INTEGER NOT NULL,  -- virtual time of the operation
    kind         TEXT NOT NULL,     -- 'dh-generate', 'dh-compute', 'rsa-sign', ... (isakmp/cost.h)
    dh_group     INTEGER,           -- IKE group number for DH operations, NULL otherwise
    bits         INTEGER,           -- exponent bits (DH) or modulus bits (RSA)
    virtual_ns   INTEGER NOT NULL,  -- virtual CPU time charged
    wall_cpu_ns  INTEGER,           -- measured thread CPU time on the host (not deterministic)
    PRIMARY KEY (run_id, op_id)
);
CREATE INDEX IF NOT EXISTS crypto_ops_kind ON crypto_ops(kind, dh_group);

-- Per-node state sampled every scenario sample_period.
CREATE TABLE IF NOT EXISTS samples (
    run_id       INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    node         TEXT NOT NULL,     -- node name
    t_ns         INTEGER NOT NULL,  -- end of the sampling period
    cpu_busy     REAL NOT NULL,     -- busy fraction of all cores over the period, 0..1
    queue_len    INTEGER NOT NULL,  -- CPU model inputs waiting at t
    half_open    INTEGER NOT NULL,  -- phase-1 SAs not yet established at t
    established  INTEGER NOT NULL,  -- established phase-1 SAs at t
    state_bytes  INTEGER NOT NULL,  -- engine memory counted at t
    PRIMARY KEY (run_id, node, t_ns)
);

-- What each attack did over the run.
CREATE TABLE IF NOT EXISTS attack_traffic (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    attack     TEXT NOT NULL,     -- attack name in the scenario
    attacker   TEXT,              -- node name (NULL for on-path attacks at a link end)
    kind       TEXT NOT NULL,     -- 'spoofed-flood', 'ke-flood', 'replay', 'tamper'
    sent       INTEGER NOT NULL,  -- messages sent / re-injected / modified
    delivered  INTEGER NOT NULL,  -- of those, reached the target's engine
    dropped    INTEGER NOT NULL,  -- of those, lost (link queue, loss, CPU queue limit)
    PRIMARY KEY (run_id, attack)
);

-- Named counters of each attack (what it did, and how the victim reacted to
-- the datagrams it injected or altered), e.g. for a replayer at a responder:
--   main.1.captured, main.1.replayed, main.1.duplicate-answered,
--   main.5.replay-rejected, main.5.rejected:bad-hash, ...
-- (LABEL.NAME: LABEL = exchange.message-number within the exchange); for a
-- KE flood: attempts, answered, ke-sent, completed, skipped, timeouts,
-- attacker-dh-generate, attacker-crypto-ns.  Documented in sim/attack_*.c.
CREATE TABLE IF NOT EXISTS attack_counters (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    attack     TEXT NOT NULL,     -- attack name in the scenario
    counter    TEXT NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (run_id, attack, counter)
);

-- Optional per-message trace (scenario output.trace = true).
CREATE TABLE IF NOT EXISTS messages (
    run_id          INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    msg_id          INTEGER NOT NULL,  -- 1.. in order within the run
    t_ns            INTEGER NOT NULL,  -- virtual time sent / received / dropped
    node            TEXT NOT NULL,     -- node name where it was seen
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    exchange_type   INTEGER NOT NULL,  -- ISAKMP exchange type (2 Main, 4 Aggressive, 32 Quick, 5 Info)
    message_no      INTEGER,           -- 1.. within its exchange; NULL when unknown
    exchange_id     INTEGER,           -- exchanges.exchange_id when known
    size            INTEGER NOT NULL,  -- UDP payload bytes
    retransmission  INTEGER NOT NULL DEFAULT 0 CHECK (retransmission IN (0, 1)),
    dropped_reason  TEXT,              -- why it was dropped (e.g. 'bad-cookie', 'cpu-queue'); NULL if not
    PRIMARY KEY (run_id, msg_id)
);

-- Two-sided 95% quantiles of Student's t distribution, t(0.975, df), for
-- confidence intervals over replications: df 1..30, 40, 60, 120, and the
-- normal quantile 1.959964 stored at df = 1000000 (standing for infinity).
-- A view takes the row with the largest df <= n - 1: for df between
-- tabulated values this errs on the wide (conservative) side.
CREATE TABLE IF NOT EXISTS student_t95 (
    df  INTEGER PRIMARY KEY,  -- degrees of freedom
    t   REAL NOT NULL         -- t(0.975, df)
);
INSERT OR IGNORE INTO student_t95 (df, t) VALUES
    (1, 12.706205), (2, 4.302653), (3, 3.182446), (4, 2.776445), (5, 2.570582),
    (6, 2.446912), (7, 2.364624), (8, 2.306004), (9, 2.262157), (10, 2.228139),
    (11, 2.200985), (12, 2.178813), (13, 2.160369), (14, 2.144787), (15, 2.131450),
    (16, 2.119905), (17, 2.109816), (18, 2.100922), (19, 2.093024), (20, 2.085963),
    (21, 2.079614), (22, 2.073873), (23, 2.068658), (24, 2.063899), (25, 2.059539),
    (26, 2.055529), (27, 2.051831), (28, 2.048407), (29, 2.045230), (30, 2.042272),
    (40, 2.021075), (60, 2.000298), (120, 1.979930), (1000000, 1.959964);

-- ---- views ---------------------------------------------------------------
-- Percentiles everywhere are by linear interpolation between order
-- statistics (the "type 7" definition of R and numpy's default): with the n
-- values sorted x[0..n-1], p-quantile = x[i] + f (x[i+1] - x[i]) where
-- i + f = p (n - 1).  The median is p = 0.5.

-- Per run and phase: how many exchanges, how many completed, latency of the
-- completed ones (end - start).  Only runs whose status is 'completed'.
DROP VIEW IF EXISTS run_exchange_stats;
CREATE VIEW run_exchange_stats AS
WITH lat AS (
    SELECT x.run_id, x.phase, CAST(x.end_ns - x.start_ns AS REAL) AS v,
           ROW_NUMBER() OVER (PARTITION BY x.run_id, x.phase ORDER BY x.end_ns - x.start_ns) - 1 AS i,
           COUNT(*) OVER (PARTITION BY x.run_id, x.phase) AS n
    FROM exchanges x JOIN runs r USING (run_id)
    WHERE r.status = 'completed' AND x.outcome = 'completed'
),
pct AS (
    SELECT run_id, phase,
           SUM(CASE WHEN i = CAST((n - 1) * 0.5 AS INTEGER) THEN v * (1 - ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER)))
                    WHEN i = CAST((n - 1) * 0.5 AS INTEGER) + 1 THEN v * ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER))
                    ELSE 0 END) AS median_ns,
           SUM(CASE WHEN i = CAST((n - 1) * 0.95 AS INTEGER) THEN v * (1 - ((n - 1) * 0.95 - CAST((n - 1) * 0.95 AS INTEGER)))
                    WHEN i = CAST((n - 1) * 0.95 AS INTEGER) + 1 THEN v * ((n - 1) * 0.95 - CAST((n - 1) * 0.95 AS INTEGER))
                    ELSE 0 END) AS p95_ns,
           AVG(v) AS mean_ns
    FROM lat GROUP BY run_id, phase
)
SELECT r.run_id, r.scenario, r.parameters, x.phase,
       COUNT(*) AS exchanges,                                        -- started
       SUM(x.outcome = 'completed') AS completed,
       SUM(x.outcome IN ('failed', 'timeout')) AS failed,            -- ended without success
       CAST(SUM(x.outcome = 'completed') AS REAL) / COUNT(*) AS success_rate,
       p.mean_ns AS latency_mean_ns,
       p.median_ns AS latency_median_ns,
       p.p95_ns AS latency_p95_ns,
       SUM(x.retransmissions) AS retransmissions
FROM exchanges x JOIN runs r USING (run_id)
LEFT JOIN pct p ON p.run_id = x.run_id AND p.phase = x.phase
WHERE r.status = 'completed'
GROUP BY r.run_id, x.phase;

-- Mean cost of Diffie-Hellman operations per group, over all completed
-- runs: virtual (charged) and measured on the host.
DROP VIEW IF EXISTS dh_cost;
CREATE VIEW dh_cost AS
SELECT c.dh_group, c.kind, c.bits,
       COUNT(*) AS operations,
       AVG(c.virtual_ns) AS mean_virtual_ns,
       AVG(c.wall_cpu_ns) AS mean_wall_cpu_ns
FROM crypto_ops c JOIN runs r USING (run_id)
WHERE r.status = 'completed' AND c.kind IN ('dh-generate', 'dh-compute')
GROUP BY c.dh_group, c.kind, c.bits;

-- One number per run and metric (long format), the input of point_summary.
-- Phase-1 exchange figures, and the responders' CPU and half-open state.
DROP VIEW IF EXISTS run_metrics;
CREATE VIEW run_metrics AS
SELECT run_id, 'success_rate' AS metric, success_rate AS value FROM run_exchange_stats WHERE phase = 1
UNION ALL SELECT run_id, 'completed', completed FROM run_exchange_stats WHERE phase = 1
UNION ALL SELECT run_id, 'latency_mean_ns', latency_mean_ns FROM run_exchange_stats WHERE phase = 1 AND latency_mean_ns IS NOT NULL
UNION ALL SELECT run_id, 'latency_median_ns', latency_median_ns FROM run_exchange_stats WHERE phase = 1 AND latency_median_ns IS NOT NULL
UNION ALL SELECT run_id, 'latency_p95_ns', latency_p95_ns FROM run_exchange_stats WHERE phase = 1 AND latency_p95_ns IS NOT NULL
UNION ALL SELECT s.run_id, 'responder_cpu_busy_mean', AVG(s.cpu_busy)
          FROM samples s JOIN nodes n ON n.run_id = s.run_id AND n.name = s.node
          JOIN runs r ON r.run_id = s.run_id
          WHERE n.role = 'responder' AND r.status = 'completed' GROUP BY s.run_id
UNION ALL SELECT s.run_id, 'responder_half_open_max', MAX(s.half_open)
          FROM samples s JOIN nodes n ON n.run_id = s.run_id AND n.name = s.node
          JOIN runs r ON r.run_id = s.run_id
          WHERE n.role = 'responder' AND r.status = 'completed' GROUP BY s.run_id;

-- Per parameter point (scenario + parameters JSON) and metric, over the
-- replications: n, mean, sample standard deviation, 95% confidence interval
-- of the mean (Student t), median and 95th percentile of the per-run values.
-- stddev and the interval are NULL for n = 1.
DROP VIEW IF EXISTS point_summary;
CREATE VIEW point_summary AS
WITH v AS (
    SELECT r.scenario, r.parameters, m.metric, m.value,
           ROW_NUMBER() OVER (PARTITION BY r.scenario, r.parameters, m.metric ORDER BY m.value) - 1 AS i,
           COUNT(*) OVER (PARTITION BY r.scenario, r.parameters, m.metric) AS n,
           AVG(m.value) OVER (PARTITION BY r.scenario, r.parameters, m.metric) AS mu
    FROM run_metrics m JOIN runs r USING (run_id)
),
agg AS (
    SELECT scenario, parameters, metric, n,
           AVG(value) AS mean,
           SUM((value - mu) * (value - mu)) AS ss,   -- two passes: no cancellation
           SUM(CASE WHEN i = CAST((n - 1) * 0.5 AS INTEGER) THEN value * (1 - ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER)))
                    WHEN i = CAST((n - 1) * 0.5 AS INTEGER) + 1 THEN value * ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER))
                    ELSE 0 END) AS median,
           SUM(CASE WHEN i = CAST((n - 1) * 0.95 AS INTEGER) THEN value * (1 - ((n - 1) * 0.95 - CAST((n - 1) * 0.95 AS INTEGER)))
                    WHEN i = CAST((n - 1) * 0.95 AS INTEGER) + 1 THEN value * ((n - 1) * 0.95 - CAST((n - 1) * 0.95 AS INTEGER))
                    ELSE 0 END) AS p95
    FROM v GROUP BY scenario, parameters, metric
),
sd AS (
    SELECT agg.*,
           CASE WHEN n > 1 THEN sqrt(ss / (n - 1)) END AS stddev,
           (SELECT t FROM student_t95 WHERE df <= n - 1 ORDER BY df DESC LIMIT 1) AS t
    FROM agg
)
SELECT scenario, parameters, metric, n, mean, stddev,
       t * stddev / sqrt(n) AS ci95_half,          -- half-width of the interval
       mean - t * stddev / sqrt(n) AS ci95_low,
       mean + t * stddev / sqrt(n) AS ci95_high,
       median, p95
FROM sd;

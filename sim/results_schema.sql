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
    exp_policy   TEXT,              -- DH: 'full' or 'short', the key's private-exponent
                                    -- policy (isakmp/dh.h); NULL for other operations
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

-- The cost table each node of a run was charged from (isakmp/cost.h): the
-- virtual cost of one operation per kind, group and size, and where that
-- figure came from.  With crypto_ops (what was charged and measured) and
-- the calibrations below, virtual against measured cost can be plotted from
-- one database (view cost_check).  Rows with node '*' are the run's own
-- table (the scenario's cost_table, else the built-in model), which every
-- node without rows of its own was charged from; a node with its own
-- cost_table or `costs` overrides has a full set of rows under its name.
-- Listed: both DH kinds for every supported group at its full and (MODP)
-- recommended short exponent bits, the RSA kinds at 1024, 2048, 3072 and
-- 4096 bits, prf, cipher, cookie and cheap; every entry the tables hold;
-- and every (kind, group, bits) an operation of the run was charged for.
CREATE TABLE IF NOT EXISTS run_costs (
    run_id      INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    node        TEXT NOT NULL,     -- node name, or '*': every node without rows of its own
    kind        TEXT NOT NULL,     -- 'dh-generate', 'dh-compute', 'rsa-sign', ..., 'cheap' (isakmp/cost.h)
    dh_group    INTEGER NOT NULL,  -- IKE group number for DH kinds, 0 otherwise
    bits        INTEGER NOT NULL,  -- exponent bits (DH), modulus bits (RSA), 0 otherwise
    virtual_ns  INTEGER NOT NULL,  -- virtual CPU time charged for one operation
    source      TEXT NOT NULL CHECK (source IN ('model', 'file', 'override', 'none')),
                                   -- model: the built-in reference model (no entry applies);
                                   -- file: an entry of cost_file (e.g. written by isakmp calibrate);
                                   -- override: an entry of the node's `costs` in the scenario;
                                   -- none: no entry applies and the file says "model off" (0)
    exact       INTEGER NOT NULL CHECK (exact IN (0, 1)),
                                   -- 1: the entry for exactly this kind, group and bits (or the
                                   -- model); 0: derived from another entry by the cost.h lookup
                                   -- rules (scaled from other bits, or the 'cheap' entry)
    cost_file   TEXT,              -- the cost-table file (resolved path) when source = 'file'
    PRIMARY KEY (run_id, node, kind, dh_group, bits)
);

-- Calibrations: `isakmp calibrate --db FILE` measures what every operation
-- the simulator charges really costs on this machine (thread CPU time,
-- median of repeated samples; cli/cmd_calibrate.c) and adds one
-- calibrations row with its measurements.  Not tied to runs (no run_id: a
-- sweep does not copy them).  Everything here is a host measurement, so
-- nothing in these two tables is deterministic.
CREATE TABLE IF NOT EXISTS calibrations (
    calibration_id  INTEGER PRIMARY KEY,  -- assigned by SQLite, 1, 2, ...
    wall_created    TEXT NOT NULL,        -- wall-clock time, UTC ISO 8601
    wall_host       TEXT,                 -- host name
    cpu_model       TEXT NOT NULL,        -- /proc/cpuinfo model name
    cores           INTEGER NOT NULL,     -- cores online
    budget_s        REAL NOT NULL,        -- CPU seconds spent per measured item
    quick           INTEGER NOT NULL CHECK (quick IN (0, 1)),  -- 1: --quick, rough figures
    cost_file       TEXT                  -- the cost table written (--output); NULL if none
);

-- One measured item of a calibration: one operation of one group, key size
-- or algorithm.
CREATE TABLE IF NOT EXISTS calibration_costs (
    calibration_id  INTEGER NOT NULL REFERENCES calibrations(calibration_id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,     -- as run_costs.kind
    dh_group        INTEGER NOT NULL,  -- IKE group number for DH kinds, 0 otherwise
    bits            INTEGER NOT NULL,  -- exponent bits (DH), modulus bits (RSA), 0 otherwise
    exp_policy      TEXT NOT NULL,     -- DH: 'full' or 'short' exponent; '-' otherwise
    algorithm       TEXT NOT NULL,     -- group name ('modp2048'), hash ('sha256'),
                                       -- cipher ('aes256'), 'rsa-pkcs1', 'hmac-sha256'
    samples         INTEGER NOT NULL,  -- samples taken (>= 3)
    batch           INTEGER NOT NULL,  -- operations per sample
    median_ns       INTEGER NOT NULL,  -- median thread CPU time of one operation
    min_ns          INTEGER NOT NULL,  -- fastest sample (per operation)
    max_ns          INTEGER NOT NULL,  -- slowest sample (per operation)
    model_ns        INTEGER NOT NULL,  -- the built-in reference model's figure, for comparison
    in_cost_table   INTEGER NOT NULL CHECK (in_cost_table IN (0, 1)),
                                       -- 1: the cost table's entry for (kind, dh_group, bits);
                                       -- every hash and cipher is measured, one of each
                                       -- (sha256, aes256) is the table's prf and cipher
    PRIMARY KEY (calibration_id, kind, dh_group, bits, algorithm)
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

-- Virtual cost charged against CPU time measured, per completed run and
-- (kind, group, bits) of crypto_ops (group and bits 0 where crypto_ops has
-- NULL): how well the run's cost table matches this machine.  source: run_costs.source of the node's table for that key
-- (NULL when no run_costs row has the key: RSA operations record no bits);
-- wall_over_virtual: measured / charged (mean over mean);
-- calibrated_ns: the cost-table figure of the newest calibration in this
-- database for the same (kind, group, bits), NULL when there is none.
DROP VIEW IF EXISTS cost_check;
CREATE VIEW cost_check AS
WITH ops AS (
    SELECT c.run_id, c.kind, COALESCE(c.dh_group, 0) AS dh_group, COALESCE(c.bits, 0) AS bits,
           c.virtual_ns, c.wall_cpu_ns,
           COALESCE((SELECT k.source FROM run_costs k
                     WHERE k.run_id = c.run_id AND k.node = c.node AND k.kind = c.kind
                       AND k.dh_group = COALESCE(c.dh_group, 0) AND k.bits = COALESCE(c.bits, 0)),
                    (SELECT k.source FROM run_costs k
                     WHERE k.run_id = c.run_id AND k.node = '*' AND k.kind = c.kind
                       AND k.dh_group = COALESCE(c.dh_group, 0) AND k.bits = COALESCE(c.bits, 0)))
               AS source
    FROM crypto_ops c JOIN runs r USING (run_id)
    WHERE r.status = 'completed'
),
ranked AS (
    SELECT ops.*,
           ROW_NUMBER() OVER (PARTITION BY run_id, kind, dh_group, bits, source
                              ORDER BY wall_cpu_ns IS NULL, wall_cpu_ns) - 1 AS i,
           COUNT(wall_cpu_ns) OVER (PARTITION BY run_id, kind, dh_group, bits, source) AS n
    FROM ops
)
SELECT run_id, kind, dh_group, bits, source,
       COUNT(*) AS operations,
       AVG(virtual_ns) AS mean_virtual_ns,
       AVG(wall_cpu_ns) AS mean_wall_cpu_ns,
       CASE WHEN MAX(n) > 0 THEN                      -- unmeasured operations sort last
       SUM(CASE WHEN wall_cpu_ns IS NULL THEN 0
                WHEN i = CAST((n - 1) * 0.5 AS INTEGER)
                    THEN wall_cpu_ns * (1 - ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER)))
                WHEN i = CAST((n - 1) * 0.5 AS INTEGER) + 1
                    THEN wall_cpu_ns * ((n - 1) * 0.5 - CAST((n - 1) * 0.5 AS INTEGER))
                ELSE 0 END) END AS median_wall_cpu_ns,
       AVG(wall_cpu_ns) / NULLIF(AVG(virtual_ns), 0) AS wall_over_virtual,
       (SELECT m.median_ns FROM calibration_costs m
        WHERE m.kind = ranked.kind AND m.dh_group = ranked.dh_group AND m.bits = ranked.bits
          AND m.in_cost_table = 1
        ORDER BY m.calibration_id DESC LIMIT 1) AS calibrated_ns
FROM ranked
GROUP BY run_id, kind, dh_group, bits, source;

-- The names isakmp calibrate used before its tables joined this schema,
-- kept for scripts written against them.
CREATE VIEW IF NOT EXISTS calibration_runs AS
SELECT calibration_id AS id, wall_created AS created_utc, cpu_model, cores, budget_s, quick,
       cost_file
FROM calibrations;
CREATE VIEW IF NOT EXISTS calibration AS
SELECT calibration_id AS run_id, kind, dh_group, bits, exp_policy, algorithm, samples, batch,
       median_ns, min_ns, max_ns, model_ns, in_cost_table
FROM calibration_costs;

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

-- Spectra schema v1: the job queue, attempts with leases and fencing, events, metrics, workers,
-- datasets and artifacts. PostgreSQL is the only source of truth; see queue/JobQueue.java for the
-- state machine and the statements that move jobs through it.

-- Workers: one row per worker process start. Heartbeats touch this narrow row and renew the
-- leases of the worker's attempts; nothing else writes it on the hot path.
CREATE TABLE workers (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    accelerator       text        NOT NULL CHECK (accelerator IN ('cpu', 'gpu')),
    backend           text        NOT NULL,
    devices           int         NOT NULL CHECK (devices >= 0),
    device_memory_bytes bigint,
    memory_bytes      bigint,
    cpu_cores         int         NOT NULL,
    slots             int         NOT NULL CHECK (slots > 0),
    omp_threads       int,
    version           text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('ACTIVE', 'DRAINING', 'STOPPED')),
    started_at        timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at        timestamptz
);
CREATE INDEX workers_heartbeat_idx ON workers (last_heartbeat_at DESC);

-- Binary values: checkpoints, models and uploaded datasets.
CREATE TABLE blobs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size_bytes  bigint      NOT NULL,
    sha256      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Large values are chunked so that neither side ever holds more than one chunk per read, and
-- no value comes near bytea's 1 GB limit.
CREATE TABLE blob_chunks (
    blob_id bigint NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
    seq     int    NOT NULL,
    data    bytea  NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

-- Datasets uploaded by clients: the CSV exactly as sent (validated by reading it completely with
-- the options below before it is stored), so a worker reading it with the same options gets the
-- same examples.
CREATE TABLE datasets (
    id                uuid PRIMARY KEY,
    tenant            text        NOT NULL DEFAULT 'default',
    name              text        NOT NULL,
    format            text        NOT NULL CHECK (format IN ('csv')),
    rows              int         NOT NULL CHECK (rows > 0),
    features          int         NOT NULL CHECK (features > 0),
    classes           int         NOT NULL CHECK (classes > 1),
    label_column      int         NOT NULL,
    label_column_name text        NOT NULL DEFAULT '',
    header            text        NOT NULL CHECK (header IN ('AUTO', 'PRESENT', 'ABSENT')),
    blob_id           bigint      NOT NULL REFERENCES blobs (id),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_tenant_idx ON datasets (tenant, created_at DESC);

-- Jobs: the user's intent, with one stable id across attempts.
--   state        QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED, RUNNING -> CANCELLING -> CANCELLED,
--                RUNNING -> QUEUED (attempt released or retried)
--   fence        fencing number: incremented whenever an attempt is granted or taken away, so a
--                worker's writes (which carry the fence it was given) fail once it no longer owns the job
--   queued_at    when the job last entered QUEUED (queue wait is measured from it); the queue
--                orders by priority, then created_at, so a retried job keeps its place
--   run_after    earliest time the job may be claimed again (retry back-off)
CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    tenant           text        NOT NULL DEFAULT 'default',
    name             text        NOT NULL,
    labels           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    spec             jsonb       NOT NULL,
    state            text        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    priority         int         NOT NULL,
    max_retries      int         NOT NULL CHECK (max_retries >= 0),
    retries_used     int         NOT NULL DEFAULT 0,
    accelerator      text        NOT NULL CHECK (accelerator IN ('cpu', 'gpu', 'any')),
    gpus             int         NOT NULL CHECK (gpus >= 0),
    fence            bigint      NOT NULL DEFAULT 0,
    attempt_count    int         NOT NULL DEFAULT 0,
    current_attempt_id bigint,
    total_steps      bigint,
    error            text,
    idempotency_key  text,
    request_hash     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    queued_at        timestamptz NOT NULL DEFAULT now(),
    run_after        timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_finished_iff_terminal CHECK ((finished_at IS NOT NULL) = (state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')))
);
-- The claim query's index: only runnable rows, by accelerator class and then in claim order, so a
-- claim never scans finished jobs nor jobs of the other accelerator (a CPU worker's claim is not
-- slowed by a backlog of GPU jobs).
CREATE INDEX jobs_queue_idx ON jobs (accelerator, priority DESC, created_at, id) WHERE state = 'QUEUED';
CREATE UNIQUE INDEX jobs_idempotency_idx ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Listing newest first (ids are time-ordered UUIDv7) and filtering by state / labels.
CREATE INDEX jobs_tenant_id_idx ON jobs (tenant, id DESC);
CREATE INDEX jobs_state_idx ON jobs (state);
CREATE INDEX jobs_labels_idx ON jobs USING gin (labels jsonb_path_ops);

-- Attempts: one execution of a job on one worker, holding a lease renewed by the worker's
-- heartbeat. Progress is written here (a narrow row) rather than on the job.
-- Attempt ids come from a plain sequence so the claim statement can draw one while it updates
-- the job row (and point jobs.current_attempt_id at it) before inserting the attempt.
CREATE SEQUENCE attempt_ids;
CREATE TABLE attempts (
    id                 bigint PRIMARY KEY DEFAULT nextval('attempt_ids'),
    job_id             uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    number             int         NOT NULL,
    fence              bigint      NOT NULL,
    worker_id          uuid        NOT NULL REFERENCES workers (id),
    state              text        NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'RELEASED', 'LOST')),
    lease_expires_at   timestamptz NOT NULL,
    started_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    outcome            text,
    resumed_from_step  bigint,
    epoch              int,
    step               bigint      NOT NULL DEFAULT 0,
    total_steps        bigint,
    samples_per_second double precision,
    eta_seconds        double precision,
    progress_at        timestamptz,
    UNIQUE (job_id, number)
);
CREATE INDEX attempts_running_worker_idx ON attempts (worker_id) WHERE state = 'RUNNING';
CREATE INDEX attempts_running_lease_idx ON attempts (lease_expires_at) WHERE state = 'RUNNING';
-- Deferred: the claim statement points the job at its attempt before inserting the attempt.
ALTER TABLE jobs ADD CONSTRAINT jobs_current_attempt_fk FOREIGN KEY (current_attempt_id) REFERENCES attempts (id)
    DEFERRABLE INITIALLY DEFERRED;

-- Every state transition of a job, with a stable reason code and a human message.
CREATE TABLE job_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    from_state  text,
    to_state    text        NOT NULL,
    reason      text        NOT NULL,
    message     text,
    attempt_id  bigint,
    worker_id   uuid
);
CREATE INDEX job_events_job_idx ON job_events (job_id, id);

-- Metrics: one series per (job, key) carrying its own summary, and narrow points keyed by
-- (series, step). Points and summaries are written by one statement per batch (MetricWriter).
CREATE TABLE metric_series (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    key         text             NOT NULL,
    count       bigint           NOT NULL DEFAULT 0,
    min_value   double precision,
    max_value   double precision,
    first_step  bigint,
    last_step   bigint,
    last_value  double precision,
    updated_at  timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (job_id, key)
);

-- No foreign key on series_id: its check would run once per inserted point and doubles the cost
-- of ingestion; points are only written through MetricWriter for series it created, and are
-- deleted explicitly with their series.
CREATE TABLE metric_points (
    series_id   bigint           NOT NULL,
    step        bigint           NOT NULL,
    value       double precision NOT NULL,
    attempt     int              NOT NULL,
    recorded_at timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, step)
);

-- A stable read model for Grafana's PostgreSQL data source (training curves per job).
CREATE VIEW metric_points_view AS
SELECT s.job_id, j.name AS job_name, s.key, p.step, p.value, p.attempt, p.recorded_at AS time
FROM metric_points p
JOIN metric_series s ON s.id = p.series_id
JOIN jobs j ON j.id = s.job_id;

-- Checkpoints (optimizer-core's self-describing TrainingCheckpoint bytes: network, optimizer
-- state including spectral factors, position) and final models (DL4J ModelSerializer zip).
CREATE TABLE artifacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt_id  bigint      NOT NULL REFERENCES attempts (id),
    kind        text        NOT NULL CHECK (kind IN ('CHECKPOINT', 'MODEL')),
    step        bigint      NOT NULL,
    epoch       int         NOT NULL,
    blob_id     bigint      NOT NULL REFERENCES blobs (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX artifacts_job_idx ON artifacts (job_id, kind, step DESC);
CREATE UNIQUE INDEX artifacts_one_model_idx ON artifacts (job_id) WHERE kind = 'MODEL';

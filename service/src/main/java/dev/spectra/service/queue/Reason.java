package dev.spectra.service.queue;

/** Stable reason codes of job events; clients and dashboards match on them, so never rename one. */
public enum Reason {
    /** Accepted by the API and queued. */
    SUBMITTED,
    /** A worker claimed the job and started an attempt. */
    CLAIMED,
    /** Training finished all its epochs and the model was stored. */
    COMPLETED,
    /** Training finished before a requested cancel could stop it. */
    COMPLETED_BEFORE_CANCEL,
    /** The training itself failed (bad data, numerical error...); not retried. */
    TRAINING_FAILED,
    /** An infrastructure error interrupted the attempt; the job was queued again. */
    RETRY_AFTER_ERROR,
    /** The attempt failed with an infrastructure error and no retries were left. */
    RETRIES_EXHAUSTED,
    /** The worker shut down and released the job; it does not count as a retry. */
    WORKER_SHUTDOWN,
    /** The attempt's lease expired without a heartbeat (worker lost). */
    LEASE_EXPIRED,
    /** A client asked to cancel a running job; the worker stops it before its next step. */
    CANCEL_REQUESTED,
    /** A client cancelled a job that had not started. */
    CANCELLED_WHILE_QUEUED,
    /** The worker stopped the job after a cancel request. */
    CANCELLED
}

package dev.spectra.service.queue;

/**
 * The states of a job. Legal transitions (every one is a job_events row with a {@link Reason}):
 *
 * <pre>
 *   QUEUED ──claim──▶ RUNNING ──complete──▶ SUCCEEDED
 *     │                 │  │  └──fail─────▶ FAILED
 *     │                 │  └──release────▶ QUEUED   (worker shutdown, retryable error, lost lease)
 *     │                 └──cancel──▶ CANCELLING ──stop──▶ CANCELLED
 *     └──cancel──▶ CANCELLED                    └──complete──▶ SUCCEEDED (finished first)
 * </pre>
 */
public enum JobState {
    QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}

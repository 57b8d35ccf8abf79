package dev.spectra.service.workers;

import java.time.Duration;

/**
 * This worker's view of the database while it is unreachable: after a failed write the next
 * background attempt waits an exponentially growing delay (from {@code initial} up to {@code max}),
 * and the training thread does not touch the database at all (no self-flush, no checkpoint) until a
 * write succeeds again, so an outage never stalls training on connection timeouts.
 */
final class DatabaseBackoff {

    private final long initialNanos;
    private final long maxNanos;
    private long delayNanos;
    private long nextAttemptNanos;
    private boolean down;

    DatabaseBackoff(Duration initial, Duration max) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = Math.max(initialNanos, max.toNanos());
    }

    /** Whether the last database access succeeded (the training thread may write). */
    synchronized boolean healthy() {
        return !down;
    }

    /** Whether a background retry is due now. */
    synchronized boolean due() {
        return !down || System.nanoTime() - nextAttemptNanos >= 0;
    }

    /** Records a failure; returns true when it is the first of an outage (log it once). */
    synchronized boolean failed() {
        boolean first = !down;
        down = true;
        delayNanos = first ? initialNanos : Math.min(maxNanos, delayNanos * 2);
        nextAttemptNanos = System.nanoTime() + delayNanos;
        return first;
    }

    /** Records a success; returns true when it ends an outage. */
    synchronized boolean succeeded() {
        boolean was = down;
        down = false;
        return was;
    }

    synchronized Duration currentDelay() {
        return Duration.ofNanos(delayNanos);
    }
}

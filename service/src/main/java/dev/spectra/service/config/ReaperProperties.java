package dev.spectra.service.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The lease reaper ({@code spectra.reaper.*}), which runs in API processes: one replica at a time
 * (a PostgreSQL advisory lock per sweep) expires attempts whose lease lapsed and requeues their jobs.
 *
 * @param enabled      run the reaper in this process (only where {@code spectra.api.enabled})
 * @param interval     time between sweeps; a lost job is requeued within lease-duration + interval
 * @param batchSize    attempts expired per sweep at most (the rest wait for the next sweep)
 * @param backoff      delay before a requeued job may be claimed again
 * @param outageGrace  after this process could not reach the database, how long it waits before
 *                     expiring leases again: workers were most likely cut off by the same outage and
 *                     need one heartbeat to renew their leases, so an outage does not requeue every job
 */
@ConfigurationProperties("spectra.reaper")
public record ReaperProperties(@DefaultValue("true") boolean enabled,
                               @DefaultValue("5s") Duration interval,
                               @DefaultValue("100") int batchSize,
                               @DefaultValue("0s") Duration backoff,
                               @DefaultValue("15s") Duration outageGrace) {

    public ReaperProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("spectra.reaper.interval must be positive but was " + interval);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("spectra.reaper.batch-size must be >= 1 but was " + batchSize);
        }
        if (backoff.isNegative() || outageGrace.isNegative()) {
            throw new IllegalArgumentException("spectra.reaper.backoff and outage-grace must not be negative");
        }
    }
}

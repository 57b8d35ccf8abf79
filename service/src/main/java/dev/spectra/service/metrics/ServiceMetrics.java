package dev.spectra.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * The service's own Prometheus meters (fleet-level, no job-id labels). Micrometer names map to
 * Prometheus as {@code spectra.queue.wait} -> {@code spectra_queue_wait_seconds}; the names are
 * a contract with the Grafana dashboards and alert rules.
 */
@Component
public class ServiceMetrics {

    private final MeterRegistry registry;
    private final Counter submitted;
    private final Timer queueWait;
    private final Timer trainingStep;
    private final Timer optimizerUpdate;
    private final Counter pointsIngested;
    private final Counter ingestErrors;
    private final Counter leasesExpired;
    private final Counter pointsDropped;
    private final ConcurrentMap<String, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> durations = new ConcurrentHashMap<>();

    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        submitted = Counter.builder("spectra.jobs.submitted").description("Jobs accepted by the API").register(registry);
        queueWait = histogram("spectra.queue.wait", "Time from queued to claimed", Duration.ofMillis(10), Duration.ofHours(24));
        trainingStep = histogram("spectra.training.step", "Wall time of one training step (forward, backward, optimizer)",
                Duration.ofNanos(100_000), Duration.ofSeconds(60));
        optimizerUpdate = histogram("spectra.optimizer.update", "Wall time of one optimizer update",
                Duration.ofNanos(10_000), Duration.ofSeconds(60));
        pointsIngested = Counter.builder("spectra.metric.points.ingested").description("Metric points written").register(registry);
        ingestErrors = Counter.builder("spectra.metric.ingest.errors").description("Metric batches that failed to write").register(registry);
        leasesExpired = Counter.builder("spectra.leases.expired").description("Attempts whose lease expired (worker lost)").register(registry);
        pointsDropped = Counter.builder("spectra.metric.points.dropped")
                .description("Metric points a worker dropped because its outage buffer was full").register(registry);
        for (String outcome : new String[]{"succeeded", "failed", "cancelled", "released", "retried", "lost"}) {
            attempt(outcome);
        }
        for (String outcome : new String[]{"succeeded", "failed", "cancelled"}) {
            duration(outcome);
        }
    }

    private Timer histogram(String name, String description, Duration min, Duration max) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(min).maximumExpectedValue(max).register(registry);
    }

    public void jobSubmitted() {
        submitted.increment();
    }

    public void queueWait(Duration d) {
        queueWait.record(d);
    }

    public Timer trainingStep() {
        return trainingStep;
    }

    public Timer optimizerUpdate() {
        return optimizerUpdate;
    }

    public void pointsIngested(int n) {
        pointsIngested.increment(n);
    }

    public void ingestError() {
        ingestErrors.increment();
    }

    public void pointDropped() {
        pointsDropped.increment();
    }

    public void leaseExpired() {
        leasesExpired.increment();
    }

    /** @param outcome succeeded | failed | cancelled | released | retried | lost */
    public void attemptEnded(String outcome) {
        attempt(outcome).increment();
    }

    /** Duration of a job from first claim to its terminal state. */
    public void jobFinished(String outcome, Duration d) {
        duration(outcome).record(d);
    }

    private Counter attempt(String outcome) {
        return attempts.computeIfAbsent(outcome, o -> Counter.builder("spectra.attempts").tag("outcome", o)
                .description("Attempts ended, by outcome").register(registry));
    }

    private Timer duration(String outcome) {
        return durations.computeIfAbsent(outcome, o -> Timer.builder("spectra.job.duration").tag("outcome", o)
                .description("Job duration from start to end").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1)).maximumExpectedValue(Duration.ofDays(3)).register(registry));
    }

    public MeterRegistry registry() {
        return registry;
    }
}

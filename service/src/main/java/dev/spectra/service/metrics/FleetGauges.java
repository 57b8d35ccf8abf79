package dev.spectra.service.metrics;

import dev.spectra.service.config.ApiProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.queue.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fleet gauges read from the database: jobs by state, queue depth and oldest queued age, workers
 * by state. Three small aggregate queries refresh them every {@code spectra.api.fleet-refresh}
 * (default 10 s); a scrape only reads the cached numbers, so Prometheus never causes a query.
 * Published by API processes (every replica reports the same fleet numbers: use max() across
 * replicas in dashboards, not sum()).
 */
@Component
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
public class FleetGauges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FleetGauges.class);
    static final List<String> WORKER_STATES = List.of("idle", "busy", "draining", "lost");

    private final JdbcClient jdbc;
    private final ApiProperties api;
    private final WorkerProperties worker;
    private final Map<JobState, AtomicLong> jobs = new LinkedHashMap<>();
    private final Map<String, AtomicLong> workers = new LinkedHashMap<>();
    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong oldestQueuedMillis = new AtomicLong();
    private ScheduledExecutorService timer;

    public FleetGauges(JdbcClient jdbc, MeterRegistry registry, ApiProperties api, WorkerProperties worker) {
        this.jdbc = jdbc;
        this.api = api;
        this.worker = worker;
        for (JobState s : JobState.values()) {
            AtomicLong v = new AtomicLong();
            jobs.put(s, v);
            Gauge.builder("spectra.jobs", v, AtomicLong::get).tag("state", s.name().toLowerCase(Locale.ROOT))
                    .description("Jobs by state").register(registry);
        }
        for (String s : WORKER_STATES) {
            AtomicLong v = new AtomicLong();
            workers.put(s, v);
            Gauge.builder("spectra.workers", v, AtomicLong::get).tag("state", s)
                    .description("Workers by state (lost: silent for longer than the lease)").register(registry);
        }
        Gauge.builder("spectra.queue.depth", queueDepth, AtomicLong::get).description("Jobs waiting in the queue")
                .register(registry);
        Gauge.builder("spectra.queue.oldest.age", oldestQueuedMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("Age of the oldest queued job").register(registry);
    }

    /** Re-reads all gauges now (also used by tests). */
    public void refresh() {
        Map<JobState, Long> counts = new LinkedHashMap<>();
        jdbc.sql("SELECT state, count(*) FROM jobs GROUP BY state")
                .query(rs -> {
                    counts.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
                });
        jobs.forEach((s, v) -> v.set(counts.getOrDefault(s, 0L)));
        jdbc.sql("""
                SELECT count(*), coalesce(extract(epoch FROM now() - min(queued_at)) * 1000, 0)
                FROM jobs WHERE state = 'QUEUED'""")
                .query(rs -> {
                    queueDepth.set(rs.getLong(1));
                    oldestQueuedMillis.set(rs.getLong(2));
                });
        Map<String, Long> w = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT CASE WHEN w.last_heartbeat_at < now() - make_interval(secs => :lease) THEN 'lost'
                            WHEN w.state = 'DRAINING' THEN 'draining'
                            WHEN EXISTS (SELECT 1 FROM attempts a WHERE a.worker_id = w.id AND a.state = 'RUNNING') THEN 'busy'
                            ELSE 'idle' END AS s, count(*)
                FROM workers w
                WHERE w.state <> 'STOPPED' AND w.last_heartbeat_at > now() - interval '1 day'
                GROUP BY 1""")
                .param("lease", worker.leaseDuration().toMillis() / 1000.0)
                .query(rs -> {
                    w.put(rs.getString(1), rs.getLong(2));
                });
        workers.forEach((s, v) -> v.set(w.getOrDefault(s, 0L)));
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spectra-fleet-gauges");
            t.setDaemon(true);
            return t;
        });
        long every = api.fleetRefresh().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                log.debug("Fleet gauge refresh failed: {}", e.getMessage());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}

package dev.spectra.service.events;

import dev.spectra.service.auth.ApiTokens;
import dev.spectra.service.config.ApiProperties;
import dev.spectra.service.jobs.JobEvent;
import dev.spectra.service.jobs.JobReader;
import dev.spectra.service.queue.JobState;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Feeds the SSE streams of jobs. Workers may run in other processes, so the database is the
 * source: every {@code spectra.api.sse-poll-interval} the hub reads, once per job that has
 * subscribers, the new transition events, the attempt's progress and the metric keys that moved,
 * and sends each subscriber what it has not seen.
 *
 * <p>Stream position ({@code id:} of every event, sent back as Last-Event-ID on reconnect) is
 * {@code <last event id>:<last metric step>}. Resuming replays every missed state event; metric
 * events carry the latest value of each key that advanced (full curves come from the history
 * endpoint), so a resumed stream continues from the current values without duplicates. The
 * stream ends after the job's terminal state event, with its final progress and metrics.
 *
 * <p>A stream is also ended when the token that opened it is revoked or expires (checked about
 * once a second, one query for all open streams): it gets a last {@code closed} event with the
 * reason, and a reconnect with that token is refused with 401.
 */
@Component
@ConditionalOnBooleanProperty(name = "spectra.api.enabled", matchIfMissing = true)
public class JobStreamHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobStreamHub.class);

    private final JdbcClient jdbc;
    private final JobReader reader;
    private final ApiProperties props;
    private final ApiTokens tokens;
    private final Map<UUID, List<Subscription>> byJob = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private long lastTokenCheckNanos = System.nanoTime();

    public JobStreamHub(JdbcClient jdbc, JobReader reader, ApiProperties props, ApiTokens tokens) {
        this.jdbc = jdbc;
        this.reader = reader;
        this.props = props;
        this.tokens = tokens;
    }

    /** One client stream and how far it has got. */
    static final class Subscription {
        final SseEmitter emitter;
        /** The token that opened the stream; null when authentication is off. */
        final UUID tokenId;
        long lastEventId;
        long lastMetricStep;
        long lastProgressStep = -1;
        String lastProgressState;
        long lastSentNanos = System.nanoTime();
        volatile boolean closed;

        Subscription(SseEmitter emitter, UUID tokenId, long lastEventId, long lastMetricStep) {
            this.emitter = emitter;
            this.tokenId = tokenId;
            this.lastEventId = lastEventId;
            this.lastMetricStep = lastMetricStep;
        }

        String position() {
            return lastEventId + ":" + lastMetricStep;
        }
    }

    /** Parses a Last-Event-ID ({@code <event>:<step>}); a malformed one restarts from the beginning. */
    static long[] parsePosition(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return new long[]{0, 0};
        }
        String[] parts = lastEventId.trim().split(":");
        try {
            return new long[]{Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0};
        } catch (NumberFormatException e) {
            return new long[]{0, 0};
        }
    }

    public int subscribers() {
        return byJob.values().stream().mapToInt(List::size).sum();
    }

    /**
     * @param tokenId the caller's token, re-checked while the stream is open; null when
     *                authentication is off
     */
    public SseEmitter subscribe(UUID jobId, String lastEventId, UUID tokenId) {
        SseEmitter emitter = new SseEmitter(props.sseMaxDuration().toMillis());
        long[] pos = parsePosition(lastEventId);
        Subscription sub = new Subscription(emitter, tokenId, pos[0], pos[1]);
        emitter.onCompletion(() -> remove(jobId, sub));
        emitter.onTimeout(() -> remove(jobId, sub));
        emitter.onError(e -> remove(jobId, sub));
        byJob.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(sub);
        timer.execute(() -> pollJob(jobId));
        return emitter;
    }

    private void remove(UUID jobId, Subscription sub) {
        sub.closed = true;
        byJob.computeIfPresent(jobId, (k, list) -> {
            list.remove(sub);
            return list.isEmpty() ? null : list;
        });
    }

    private void pollAll() {
        try {
            closeStreamsOfInvalidTokens();
        } catch (RuntimeException e) {
            log.debug("Token check of open streams failed: {}", e.getMessage());
        }
        for (UUID jobId : List.copyOf(byJob.keySet())) {
            try {
                pollJob(jobId);
            } catch (RuntimeException e) {
                log.debug("Stream poll of job {} failed: {}", jobId, e.getMessage());
            }
        }
    }

    /** Ends the streams whose token was revoked or expired since they opened; at most once a second. */
    private void closeStreamsOfInvalidTokens() {
        if (System.nanoTime() - lastTokenCheckNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastTokenCheckNanos = System.nanoTime();
        List<Subscription> open = byJob.values().stream().flatMap(List::stream)
                .filter(s -> s.tokenId != null && !s.closed).toList();
        if (open.isEmpty()) {
            return;
        }
        Set<UUID> valid = tokens.stillValid(open.stream().map(s -> s.tokenId).collect(Collectors.toSet()));
        for (Subscription s : open) {
            if (!valid.contains(s.tokenId)) {
                endForInvalidToken(s);
            }
        }
    }

    private static void endForInvalidToken(Subscription s) {
        s.closed = true;
        try {
            s.emitter.send(SseEmitter.event().name("closed")
                    .data(Map.of("reason", "token-invalid", "detail", "The token that opened this stream was revoked or expired"),
                            org.springframework.http.MediaType.APPLICATION_JSON));
            s.emitter.complete();
        } catch (IOException | IllegalStateException e) {
            s.emitter.completeWithError(e);
        }
    }

    /** What the hub read about one job in one poll. */
    private record Snapshot(List<JobEvent> events, JobState state, Map<String, Object> progress, long progressStep,
                            Map<String, Double> metrics, long metricStep) {
    }

    private synchronized void pollJob(UUID jobId) {
        List<Subscription> subs = byJob.get(jobId);
        if (subs == null || subs.isEmpty()) {
            return;
        }
        long fromEvent = Long.MAX_VALUE;
        long fromStep = Long.MAX_VALUE;
        for (Subscription s : subs) {
            fromEvent = Math.min(fromEvent, s.lastEventId);
            fromStep = Math.min(fromStep, s.lastMetricStep);
        }
        Snapshot snap = read(jobId, fromEvent, fromStep);
        if (snap == null) {
            subs.forEach(s -> s.emitter.complete());
            return;
        }
        for (Subscription s : subs) {
            if (!s.closed) {
                deliver(s, snap);
            }
        }
    }

    private Snapshot read(UUID jobId, long fromEvent, long fromStep) {
        // The state first: its transition and event commit together, so events read afterwards
        // include the terminal one whenever the state read says the job ended.
        Map<String, Object> progress = jdbc.sql("""
                SELECT j.state, j.total_steps, a.epoch, a.step, a.samples_per_second, a.eta_seconds, a.progress_at
                FROM jobs j LEFT JOIN attempts a ON a.id = j.current_attempt_id WHERE j.id = :job""")
                .param("job", jobId)
                .query((rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("state", rs.getString("state"));
                    m.put("epoch", rs.getObject("epoch"));
                    m.put("step", rs.getLong("step"));
                    m.put("totalSteps", rs.getObject("total_steps"));
                    long total = rs.getLong("total_steps");
                    m.put("fraction", "SUCCEEDED".equals(rs.getString("state")) ? 1.0
                            : total > 0 ? Math.min(1.0, rs.getLong("step") / (double) total) : 0.0);
                    m.put("samplesPerSecond", rs.getObject("samples_per_second"));
                    m.put("etaSeconds", rs.getObject("eta_seconds"));
                    m.put("updatedAt", rs.getObject("progress_at", OffsetDateTime.class));
                    return m;
                })
                .optional().orElse(null);
        if (progress == null) {
            return null;
        }
        List<JobEvent> events = reader.events(jobId, fromEvent, 1000);
        Map<String, Double> metrics = new LinkedHashMap<>();
        long[] maxStep = {fromStep};
        jdbc.sql("SELECT key, last_step, last_value FROM metric_series WHERE job_id = :job AND last_step > :step ORDER BY key")
                .param("job", jobId).param("step", fromStep)
                .query(rs -> {
                    metrics.put(rs.getString(1), rs.getDouble(3));
                    maxStep[0] = Math.max(maxStep[0], rs.getLong(2));
                });
        return new Snapshot(events, JobState.valueOf((String) progress.get("state")), progress,
                (Long) progress.get("step"), metrics, maxStep[0]);
    }

    private void deliver(Subscription s, Snapshot snap) {
        try {
            boolean sent = false;
            for (JobEvent e : snap.events()) {
                if (e.id() > s.lastEventId) {
                    s.lastEventId = e.id();
                    send(s, "state", e);
                    sent = true;
                }
            }
            if (snap.progressStep() != s.lastProgressStep || !snap.state().name().equals(s.lastProgressState)) {
                s.lastProgressStep = snap.progressStep();
                s.lastProgressState = snap.state().name();
                send(s, "progress", snap.progress());
                sent = true;
            }
            if (snap.metricStep() > s.lastMetricStep && !snap.metrics().isEmpty()) {
                s.lastMetricStep = snap.metricStep();
                send(s, "metric", Map.of("step", snap.metricStep(), "values", snap.metrics()));
                sent = true;
            }
            boolean caughtUp = snap.events().isEmpty() || snap.events().get(snap.events().size() - 1).id() <= s.lastEventId;
            if (snap.state().isTerminal() && caughtUp) {
                s.emitter.complete();
                s.closed = true;
                return;
            }
            if (!sent && System.nanoTime() - s.lastSentNanos > props.sseHeartbeat().toNanos()) {
                s.emitter.send(SseEmitter.event().comment("keep-alive"));
                s.lastSentNanos = System.nanoTime();
            }
        } catch (IOException | IllegalStateException e) {
            s.closed = true;
            s.emitter.completeWithError(e);
        }
    }

    private static void send(Subscription s, String name, Object data) throws IOException {
        s.emitter.send(SseEmitter.event().name(name).id(s.position()).data(data, org.springframework.http.MediaType.APPLICATION_JSON));
        s.lastSentNanos = System.nanoTime();
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spectra-sse");
            t.setDaemon(true);
            return t;
        });
        long every = props.ssePollInterval().toMillis();
        timer.scheduleWithFixedDelay(this::pollAll, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        for (List<Subscription> subs : new ArrayList<>(byJob.values())) {
            subs.forEach(s -> s.emitter.complete());
        }
        byJob.clear();
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

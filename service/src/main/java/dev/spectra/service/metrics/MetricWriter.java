package dev.spectra.service.metrics;

import dev.spectra.service.queue.Fence;
import dev.spectra.service.queue.FencedOutException;
import dev.spectra.service.queue.JobState;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes a running job's metric points, their per-key summaries and its progress, in ONE
 * statement per batch: the points arrive as three parallel arrays ({@code unnest}), duplicates of
 * an already written (series, step) are skipped (a retried batch is harmless), the summaries are
 * folded from exactly the rows inserted, and the attempt's progress row is updated. The whole
 * statement is fenced: it runs only while the attempt owns the job, and it returns the job's
 * state, which is how a worker hears about a cancel within one flush.
 */
@Repository
public class MetricWriter {

    private static final String WRITE_BATCH = """
            WITH owner AS (
                SELECT state FROM jobs WHERE id = :job AND fence = :fence AND state IN ('RUNNING', 'CANCELLING')
                FOR SHARE),
            ins AS (
                INSERT INTO metric_points (series_id, step, value, attempt)
                SELECT p.series_id, p.step, p.value, :attempt
                FROM unnest(:series::bigint[], :steps::bigint[], :values::float8[]) AS p(series_id, step, value)
                WHERE EXISTS (SELECT 1 FROM owner)
                ON CONFLICT (series_id, step) DO NOTHING
                RETURNING series_id, step, value),
            agg AS (
                SELECT series_id, count(*) AS n,
                       min(value) FILTER (WHERE value <> 'NaN') AS mn, max(value) FILTER (WHERE value <> 'NaN') AS mx,
                       min(step) AS first_step, max(step) AS last_step,
                       (array_agg(value ORDER BY step DESC))[1] AS last_value
                FROM ins GROUP BY series_id),
            summary AS (
                UPDATE metric_series s SET
                    count = s.count + agg.n,
                    min_value = LEAST(s.min_value, agg.mn),
                    max_value = GREATEST(s.max_value, agg.mx),
                    first_step = LEAST(s.first_step, agg.first_step),
                    last_value = CASE WHEN s.last_step IS NULL OR agg.last_step >= s.last_step
                                      THEN agg.last_value ELSE s.last_value END,
                    last_step = GREATEST(s.last_step, agg.last_step),
                    updated_at = now()
                FROM agg WHERE s.id = agg.series_id),
            progress AS (
                UPDATE attempts SET epoch = :epoch, step = :step, total_steps = :totalSteps,
                                    samples_per_second = :sps, eta_seconds = :eta, progress_at = now()
                WHERE id = :attemptId AND :hasProgress AND EXISTS (SELECT 1 FROM owner))
            SELECT (SELECT state FROM owner) AS state, (SELECT count(*) FROM ins) AS inserted
            """;

    private final JdbcClient jdbc;
    private final ServiceMetrics metrics;

    public MetricWriter(JdbcClient jdbc, ServiceMetrics metrics) {
        this.jdbc = jdbc;
        this.metrics = metrics;
    }

    /** Progress of the attempt as of the newest point of a batch. */
    public record Progress(int epoch, long step, long totalSteps, double samplesPerSecond, Double etaSeconds) {
    }

    /** @param jobState the job's state (RUNNING or CANCELLING) when the batch was written */
    public record BatchResult(JobState jobState, int inserted) {
    }

    /** Creates the series rows of {@code keys} (if missing) and returns key -> series id. */
    @Transactional
    public Map<String, Long> ensureSeries(Fence f, Collection<String> keys) {
        String[] arr = keys.toArray(String[]::new);
        int owned = jdbc.sql("""
                WITH owner AS (SELECT 1 FROM jobs WHERE id = :job AND fence = :fence FOR SHARE)
                INSERT INTO metric_series (job_id, key)
                SELECT :job, k FROM unnest(:keys::text[]) AS k WHERE EXISTS (SELECT 1 FROM owner)
                ON CONFLICT (job_id, key) DO NOTHING""")
                .param("job", f.jobId()).param("fence", f.fence()).param("keys", arr).update();
        Map<String, Long> ids = new HashMap<>();
        jdbc.sql("SELECT key, id FROM metric_series WHERE job_id = :job AND key = ANY(:keys::text[])")
                .param("job", f.jobId()).param("keys", arr)
                .query(rs -> {
                    ids.put(rs.getString(1), rs.getLong(2));
                });
        if (ids.size() < arr.length && owned == 0) {
            throw new FencedOutException(f, "create metric series");
        }
        return ids;
    }

    /**
     * Writes {@code n} points (parallel arrays, already sized to n) and the progress.
     *
     * @throws FencedOutException when the attempt no longer owns the job
     */
    public BatchResult write(Fence f, long[] series, long[] steps, double[] values, Progress progress) {
        try {
            BatchResult r = jdbc.sql(WRITE_BATCH)
                    .param("job", f.jobId()).param("fence", f.fence()).param("attempt", f.attemptNumber())
                    .param("series", series).param("steps", steps).param("values", values)
                    .param("attemptId", f.attemptId()).param("hasProgress", progress != null)
                    .param("epoch", progress == null ? 0 : progress.epoch())
                    .param("step", progress == null ? 0L : progress.step())
                    .param("totalSteps", progress == null ? 0L : progress.totalSteps())
                    .param("sps", progress == null ? 0.0 : progress.samplesPerSecond())
                    .param("eta", progress == null ? null : progress.etaSeconds(), java.sql.Types.DOUBLE)
                    .query((rs, i) -> new BatchResult(rs.getString("state") == null ? null : JobState.valueOf(rs.getString("state")),
                            rs.getInt("inserted")))
                    .single();
            if (r.jobState() == null) {
                throw new FencedOutException(f, "write metrics");
            }
            metrics.pointsIngested(r.inserted());
            return r;
        } catch (FencedOutException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.ingestError();
            throw e;
        }
    }

    /**
     * Starts an attempt at {@code step} (its checkpoint; 0 = from scratch): records where it
     * resumed, forgets every point after that step (an earlier attempt's tail) and recomputes
     * the summaries from what is left, so a resumed job's curves have no duplicated tail.
     */
    @Transactional
    public int startAttemptAt(Fence f, long step) {
        int owned = jdbc.sql("""
                UPDATE attempts a SET resumed_from_step = :step, step = :step FROM jobs j
                WHERE a.id = :attempt AND j.id = a.job_id AND j.id = :job AND j.fence = :fence""")
                .param("step", step).param("attempt", f.attemptId()).param("job", f.jobId()).param("fence", f.fence())
                .update();
        if (owned == 0) {
            throw new FencedOutException(f, "start the attempt");
        }
        int deleted = jdbc.sql("""
                DELETE FROM metric_points p USING metric_series s
                WHERE s.job_id = :job AND p.series_id = s.id AND p.step > :step""")
                .param("job", f.jobId()).param("step", step).update();
        if (deleted > 0) {
            jdbc.sql("""
                    UPDATE metric_series s SET
                        count = coalesce(a.n, 0), min_value = a.mn, max_value = a.mx, first_step = a.first_step,
                        last_step = a.last_step, last_value = a.last_value, updated_at = now()
                    FROM metric_series s2
                    LEFT JOIN LATERAL (
                        SELECT count(*) AS n, min(value) FILTER (WHERE value <> 'NaN') AS mn,
                               max(value) FILTER (WHERE value <> 'NaN') AS mx, min(step) AS first_step,
                               max(step) AS last_step, (array_agg(value ORDER BY step DESC))[1] AS last_value
                        FROM metric_points p WHERE p.series_id = s2.id) a ON true
                    WHERE s.id = s2.id AND s2.job_id = :job""")
                    .param("job", f.jobId()).update();
        }
        return deleted;
    }
}

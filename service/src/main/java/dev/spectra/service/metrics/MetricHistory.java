package dev.spectra.service.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads a metric's history: exact pages keyed on the step (the cursor is the last step returned),
 * or a downsampled curve of at most {@code maxPoints} computed while the rows stream past with a
 * server-side cursor, so neither side ever holds the full series.
 */
@Repository
public class MetricHistory {

    private final JdbcClient jdbc;
    private final JdbcTemplate streaming;

    public MetricHistory(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(10_000);
    }

    /** The series of a metric key, with its summary bounds. */
    public record Series(long id, long count, Long firstStep, Long lastStep) {
    }

    public Optional<Series> series(UUID jobId, String key) {
        return jdbc.sql("SELECT id, count, first_step, last_step FROM metric_series WHERE job_id = :job AND key = :key")
                .param("job", jobId).param("key", key)
                .query((rs, n) -> new Series(rs.getLong(1), rs.getLong(2), (Long) rs.getObject(3), (Long) rs.getObject(4)))
                .optional();
    }

    /** Up to {@code limit} points with {@code from <= step <= to} and {@code step > after}, in step order. */
    public List<MetricPoint> page(long seriesId, long from, long to, long after, int limit) {
        return jdbc.sql("""
                SELECT step, value FROM metric_points
                WHERE series_id = :series AND step >= :from AND step <= :to AND step > :after
                ORDER BY step LIMIT :limit""")
                .param("series", seriesId).param("from", from).param("to", to).param("after", after).param("limit", limit)
                .query((rs, n) -> new MetricPoint(rs.getLong(1), rs.getDouble(2))).list();
    }

    /** At most {@code maxPoints} points over {@code [from, to]} keeping first, last and extremes. */
    @Transactional(readOnly = true)
    public List<MetricPoint> downsampled(Series s, long from, long to, int maxPoints) {
        long lo = Math.max(from, s.firstStep() == null ? from : s.firstStep());
        long hi = Math.min(to, s.lastStep() == null ? to : s.lastStep());
        if (hi < lo) {
            return List.of();
        }
        if (s.count() <= maxPoints) {
            return page(s.id(), lo, hi, Long.MIN_VALUE, maxPoints);
        }
        MetricDownsampler ds = new MetricDownsampler(lo, hi, maxPoints);
        streaming.query("SELECT step, value FROM metric_points WHERE series_id = ? AND step >= ? AND step <= ? ORDER BY step",
                rs -> {
                    ds.add(rs.getLong(1), rs.getDouble(2));
                }, s.id(), lo, hi);
        return new ArrayList<>(ds.result());
    }
}

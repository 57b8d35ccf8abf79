package dev.spectra.service.workers;

import dev.spectra.service.metrics.MetricWriter;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The points a running job produced since its last flush, in parallel primitive arrays: the
 * training thread appends without allocating; a flush copies a chunk out (microseconds under the
 * lock) and writes it with no lock held, so training never waits on the database. One flush runs
 * at a time; a failed chunk is put back in front so no point is lost.
 *
 * <p>Normally the buffer is flushed every {@code metric-flush-interval}, or by the training thread
 * itself once it holds {@code flushAt} points. While the database is unreachable it grows (doubling)
 * up to {@code maxPoints} (24 bytes a point); beyond that budget the newest points are dropped and
 * counted, so what is kept is the contiguous run of steps since the last successful flush.
 */
final class MetricBuffer {

    /** A drained chunk, sized exactly, with the progress as of the job's newest point (or null). */
    record Batch(long[] series, long[] steps, double[] values, MetricWriter.Progress progress) {
        int size() {
            return steps.length;
        }
    }

    private final int flushAt;
    private final int maxPoints;
    private final Object flushLock = new Object();
    private long[] series;
    private long[] steps;
    private double[] values;
    private int size;
    private long dropped;
    private MetricWriter.Progress progress;

    MetricBuffer(int flushAt, int maxPoints) {
        if (maxPoints < flushAt) {
            throw new IllegalArgumentException("maxPoints " + maxPoints + " < flushAt " + flushAt);
        }
        this.flushAt = flushAt;
        this.maxPoints = maxPoints;
        series = new long[flushAt];
        steps = new long[flushAt];
        values = new double[flushAt];
    }

    /** Whether {@code n} more points stay below the flush threshold; the training thread flushes first when not. */
    synchronized boolean hasRoom(int n) {
        return flushAt - size >= n;
    }

    /** Appends a point; returns false when the memory budget is used up and the point was dropped. */
    synchronized boolean add(long seriesId, long step, double value) {
        if (size == steps.length && !grow(size + 1)) {
            dropped++;
            return false;
        }
        series[size] = seriesId;
        steps[size] = step;
        values[size] = value;
        size++;
        return true;
    }

    private boolean grow(int needed) {
        if (needed > maxPoints) {
            return false;
        }
        int cap = (int) Math.min(maxPoints, Math.max(needed, 2L * steps.length));
        series = Arrays.copyOf(series, cap);
        steps = Arrays.copyOf(steps, cap);
        values = Arrays.copyOf(values, cap);
        return true;
    }

    synchronized int size() {
        return size;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized void progress(MetricWriter.Progress p) {
        progress = p;
    }

    /**
     * Drains everything, in chunks of at most {@code flushAt} points, handing each to {@code writer};
     * only one flush runs at a time. A chunk the writer throws on goes back in front of the buffer.
     */
    void flush(Consumer<Batch> writer) {
        synchronized (flushLock) {
            while (true) {
                Batch b = take();
                if (b == null) {
                    return;
                }
                try {
                    writer.accept(b);
                } catch (RuntimeException e) {
                    restore(b);
                    throw e;
                }
            }
        }
    }

    private synchronized Batch take() {
        if (size == 0 && progress == null) {
            return null;
        }
        int n = Math.min(size, flushAt);
        Batch b = new Batch(Arrays.copyOf(series, n), Arrays.copyOf(steps, n), Arrays.copyOf(values, n), progress);
        System.arraycopy(series, n, series, 0, size - n);
        System.arraycopy(steps, n, steps, 0, size - n);
        System.arraycopy(values, n, values, 0, size - n);
        size -= n;
        progress = null;
        return b;
    }

    private synchronized void restore(Batch b) {
        if (size + b.size() > steps.length) {
            grow(size + b.size());
        }
        int keep = Math.min(steps.length - size, b.size());
        System.arraycopy(series, 0, series, keep, size);
        System.arraycopy(steps, 0, steps, keep, size);
        System.arraycopy(values, 0, values, keep, size);
        System.arraycopy(b.series(), 0, series, 0, keep);
        System.arraycopy(b.steps(), 0, steps, 0, keep);
        System.arraycopy(b.values(), 0, values, 0, keep);
        dropped += b.size() - keep;
        size += keep;
        if (progress == null) {
            progress = b.progress();
        }
    }
}

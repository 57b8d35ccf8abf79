package dev.spectra.service.workers;

import dev.spectra.service.metrics.MetricWriter;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The points a running job produced since its last flush, in preallocated parallel arrays: the
 * training thread appends without allocating; a flush copies the filled part out (microseconds
 * under the lock) and writes it with no lock held, so training never waits on the database. One
 * flush runs at a time; a failed batch is put back in front so no point is lost (as far as the
 * bounded capacity allows).
 */
final class MetricBuffer {

    /** A drained batch, sized exactly, with the progress as of its newest point. */
    record Batch(long[] series, long[] steps, double[] values, MetricWriter.Progress progress) {
        int size() {
            return steps.length;
        }
    }

    private final int capacity;
    private final long[] series;
    private final long[] steps;
    private final double[] values;
    private final Object flushLock = new Object();
    private int size;
    private long dropped;
    private MetricWriter.Progress progress;

    MetricBuffer(int capacity) {
        this.capacity = capacity;
        series = new long[capacity];
        steps = new long[capacity];
        values = new double[capacity];
    }

    /** Whether {@code n} more points fit; the training thread flushes first when not. */
    synchronized boolean hasRoom(int n) {
        return capacity - size >= n;
    }

    /** Appends a point; a point that does not fit (the database has been unreachable for long) is dropped and counted. */
    synchronized void add(long seriesId, long step, double value) {
        if (size == capacity) {
            dropped++;
            return;
        }
        series[size] = seriesId;
        steps[size] = step;
        values[size] = value;
        size++;
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized void progress(MetricWriter.Progress p) {
        progress = p;
    }

    /** Drains and hands the batch to {@code writer}; only one flush runs at a time. */
    void flush(Consumer<Batch> writer) {
        synchronized (flushLock) {
            Batch b;
            synchronized (this) {
                if (size == 0 && progress == null) {
                    return;
                }
                b = new Batch(Arrays.copyOf(series, size), Arrays.copyOf(steps, size), Arrays.copyOf(values, size), progress);
                size = 0;
                progress = null;
            }
            try {
                writer.accept(b);
            } catch (RuntimeException e) {
                restore(b);
                throw e;
            }
        }
    }

    private synchronized void restore(Batch b) {
        int keep = Math.min(capacity - size, b.size());
        System.arraycopy(series, 0, series, keep, size);
        System.arraycopy(steps, 0, steps, keep, size);
        System.arraycopy(values, 0, values, keep, size);
        System.arraycopy(b.series(), 0, series, 0, keep);
        System.arraycopy(b.steps(), 0, steps, 0, keep);
        System.arraycopy(b.values(), 0, values, 0, keep);
        size += keep;
        if (progress == null) {
            progress = b.progress();
        }
    }
}

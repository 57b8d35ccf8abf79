package dev.spectra.service.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces a step-ordered stream of points to at most {@code maxPoints} in one pass and O(buckets)
 * memory: the step range is cut into {@code maxPoints / 4} equal buckets and each keeps its
 * first, last, minimum and maximum point. The series' first and last points and its global
 * extremes are therefore always kept (a spike never disappears, unlike random sampling), and
 * the output stays in step order. NaN values are kept as first/last but never as extremes.
 */
public final class MetricDownsampler {

    private final long lo;
    private final long span;
    private final int buckets;
    private final long[] firstStep;
    private final double[] firstValue;
    private final long[] lastStep;
    private final double[] lastValue;
    private final long[] minStep;
    private final double[] minValue;
    private final long[] maxStep;
    private final double[] maxValue;
    private final boolean[] used;

    /** @param lo first step of the range, {@code hi} the last (inclusive) */
    public MetricDownsampler(long lo, long hi, int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be >= 4");
        }
        this.lo = lo;
        this.span = Math.max(1, hi - lo + 1);
        this.buckets = (int) Math.min(maxPoints / 4, span);
        firstStep = new long[buckets];
        firstValue = new double[buckets];
        lastStep = new long[buckets];
        lastValue = new double[buckets];
        minStep = new long[buckets];
        minValue = new double[buckets];
        maxStep = new long[buckets];
        maxValue = new double[buckets];
        used = new boolean[buckets];
        Arrays.fill(minStep, Long.MIN_VALUE);
        Arrays.fill(maxStep, Long.MIN_VALUE);
    }

    /** Points must arrive in increasing step order. */
    public void add(long step, double value) {
        int b = (int) Math.min(buckets - 1, Math.max(0, (step - lo) * buckets / span));
        if (!used[b]) {
            used[b] = true;
            firstStep[b] = step;
            firstValue[b] = value;
        }
        lastStep[b] = step;
        lastValue[b] = value;
        if (!Double.isNaN(value)) {
            if (minStep[b] == Long.MIN_VALUE || value < minValue[b]) {
                minStep[b] = step;
                minValue[b] = value;
            }
            if (maxStep[b] == Long.MIN_VALUE || value > maxValue[b]) {
                maxStep[b] = step;
                maxValue[b] = value;
            }
        }
    }

    /** The kept points in step order, without duplicates. */
    public List<MetricPoint> result() {
        List<MetricPoint> out = new ArrayList<>(buckets * 4);
        long[] steps = new long[4];
        double[] values = new double[4];
        for (int b = 0; b < buckets; b++) {
            if (!used[b]) {
                continue;
            }
            int k = 0;
            steps[k] = firstStep[b];
            values[k++] = firstValue[b];
            if (minStep[b] != Long.MIN_VALUE) {
                steps[k] = minStep[b];
                values[k++] = minValue[b];
                steps[k] = maxStep[b];
                values[k++] = maxValue[b];
            }
            steps[k] = lastStep[b];
            values[k++] = lastValue[b];
            // sort the (at most 4) candidates by step and drop repeats
            for (int i = 1; i < k; i++) {
                for (int j = i; j > 0 && steps[j - 1] > steps[j]; j--) {
                    long ts = steps[j];
                    steps[j] = steps[j - 1];
                    steps[j - 1] = ts;
                    double tv = values[j];
                    values[j] = values[j - 1];
                    values[j - 1] = tv;
                }
            }
            for (int i = 0; i < k; i++) {
                if (i == 0 || steps[i] != steps[i - 1]) {
                    out.add(new MetricPoint(steps[i], values[i]));
                }
            }
        }
        return out;
    }
}

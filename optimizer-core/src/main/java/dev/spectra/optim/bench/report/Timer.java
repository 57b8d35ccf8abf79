package dev.spectra.optim.bench.report;

import java.util.Arrays;

/**
 * Timing discipline for the benchmarks: warm-up calls (JIT, first-touch allocation, BLAS thread
 * start-up) are discarded, then the median of the timed repeats is reported - robust to the odd
 * slow run on a shared machine, unlike the mean.
 */
public final class Timer {

    private Timer() {
    }

    /** Median milliseconds of {@code repeats} runs after {@code warmups} untimed ones. */
    public static double medianMillis(int warmups, int repeats, Runnable body) {
        for (int i = 0; i < warmups; i++) {
            body.run();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(ms);
    }

    /**
     * Median milliseconds of each body, run round-robin: every round times each body once in the
     * same order ({@code warmups} untimed rounds first). On a machine shared with other jobs, load
     * changes then hit every body alike instead of whichever happened to run during them, so
     * ratios between the bodies stay meaningful.
     */
    public static double[] interleavedMedianMillis(int warmups, int repeats, java.util.List<Runnable> bodies) {
        for (int r = 0; r < warmups; r++) {
            bodies.forEach(Runnable::run);
        }
        double[][] ms = new double[bodies.size()][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int b = 0; b < bodies.size(); b++) {
                long t0 = System.nanoTime();
                bodies.get(b).run();
                ms[b][r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] out = new double[bodies.size()];
        for (int b = 0; b < out.length; b++) {
            out[b] = median(ms[b]);
        }
        return out;
    }

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}

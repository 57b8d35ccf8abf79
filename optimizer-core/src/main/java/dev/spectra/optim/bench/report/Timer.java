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

    public static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}

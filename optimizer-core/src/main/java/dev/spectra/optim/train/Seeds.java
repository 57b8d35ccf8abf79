package dev.spectra.optim.train;

/**
 * Derives independent, reproducible seeds from the run seed and a position (epoch, step), so any
 * point of a run can be re-entered without replaying the random streams before it.
 */
final class Seeds {

    static final long SHUFFLE_STREAM = 0x9E3779B97F4A7C15L;
    static final long DROPOUT_STREAM = 0xD1B54A32D192ED03L;

    private Seeds() {
    }

    /** SplitMix64 finalizer of (seed, stream, position): well mixed even for consecutive positions. */
    static long derive(long seed, long stream, long position) {
        long z = seed + stream * (position + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

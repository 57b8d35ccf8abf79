package dev.spectra.optim.data;

import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small generated classification problems for quick tries and tests, deterministic in their seed
 * (a pure-Java generator, so the same seed gives the same data on every backend and platform).
 * The service offers them under the names in {@link #NAMES}.
 */
public final class SyntheticDatasets {

    public static final String BLOBS = "synthetic-blobs";
    public static final String XOR = "synthetic-xor";
    public static final String SPIRALS = "synthetic-spirals";
    public static final List<String> NAMES = List.of(BLOBS, XOR, SPIRALS);

    /** Limit on generated examples, so a request cannot allocate without bound. */
    public static final int MAX_EXAMPLES = 1_000_000;

    private SyntheticDatasets() {
    }

    public static boolean isSynthetic(String name) {
        return NAMES.contains(name);
    }

    /**
     * A train/test split of the named problem with its default shape: blobs = 4 Gaussian clusters
     * in 8 dimensions, xor = 2 classes in 2-D quadrants, spirals = 3 interleaved arms in 2-D.
     * Train and test are drawn from independent streams of the same seed.
     */
    public static DatasetSplit split(String name, int trainSize, int testSize, long seed) {
        checkSize("trainSize", trainSize);
        checkSize("testSize", testSize);
        long testSeed = seed ^ 0x5DEECE66DL;
        return switch (name) {
            case BLOBS -> {
                // The cluster centres depend on the seed only, so train and test share them.
                yield new DatasetSplit(blobs(trainSize, 4, 8, 1.0, seed, seed), blobs(testSize, 4, 8, 1.0, seed, testSeed));
            }
            case XOR -> new DatasetSplit(xor(trainSize, 0.1, seed), xor(testSize, 0.1, testSeed));
            case SPIRALS -> new DatasetSplit(spirals(trainSize, 3, 0.05, seed), spirals(testSize, 3, 0.05, testSeed));
            default -> throw new IllegalArgumentException("unknown synthetic dataset '" + name + "'; known: "
                    + String.join(", ", NAMES));
        };
    }

    /**
     * Gaussian clusters: {@code classes} centres drawn uniformly in [-3, 3]^dims from
     * {@code centreSeed}, examples drawn round-robin over classes with standard deviation
     * {@code spread} from {@code sampleSeed}.
     */
    public static Dataset blobs(int n, int classes, int dims, double spread, long centreSeed, long sampleSeed) {
        checkSize("n", n);
        if (classes < 2 || dims < 1 || (long) n * dims > MAX_EXAMPLES * 64L || !(spread > 0)) {
            throw new IllegalArgumentException("blobs need classes >= 2, dims >= 1, spread > 0 and at most "
                    + MAX_EXAMPLES * 64L + " values");
        }
        SplittableRandom centreRnd = new SplittableRandom(centreSeed);
        double[][] centres = new double[classes][dims];
        for (double[] c : centres) {
            for (int d = 0; d < dims; d++) {
                c[d] = centreRnd.nextDouble(-3, 3);
            }
        }
        SplittableRandom rnd = new SplittableRandom(sampleSeed);
        float[] x = new float[n * dims];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            y[i] = c;
            for (int d = 0; d < dims; d++) {
                x[i * dims + d] = (float) (centres[c][d] + spread * gaussian(rnd));
            }
        }
        return build(BLOBS, x, y, n, dims, classes);
    }

    /** Points uniform in [-1, 1]^2 labelled by the sign of x*y, jittered by {@code noise}. */
    public static Dataset xor(int n, double noise, long seed) {
        checkSize("n", n);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = rnd.nextDouble(-1, 1);
            double b = rnd.nextDouble(-1, 1);
            y[i] = a * b >= 0 ? 0 : 1;
            x[2 * i] = (float) (a + noise * gaussian(rnd));
            x[2 * i + 1] = (float) (b + noise * gaussian(rnd));
        }
        return build(XOR, x, y, n, 2, 2);
    }

    /** {@code classes} interleaved spiral arms in 2-D with Gaussian jitter {@code noise}. */
    public static Dataset spirals(int n, int classes, double noise, long seed) {
        checkSize("n", n);
        if (classes < 2) {
            throw new IllegalArgumentException("spirals need classes >= 2 but got " + classes);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            double r = rnd.nextDouble();
            double theta = 2 * Math.PI * c / classes + 4 * r;
            y[i] = c;
            x[2 * i] = (float) (r * Math.cos(theta) + noise * gaussian(rnd));
            x[2 * i + 1] = (float) (r * Math.sin(theta) + noise * gaussian(rnd));
        }
        return build(SPIRALS, x, y, n, 2, classes);
    }

    private static Dataset build(String name, float[] x, int[] y, int n, int dims, int classes) {
        return Dataset.of(name, Nd4j.create(x, new long[] {n, dims}, DataType.FLOAT), y, classes);
    }

    /** Box-Muller on the pure-Java generator (SplittableRandom has no nextGaussian in Java 17). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static void checkSize(String field, int n) {
        if (n <= 0 || n > MAX_EXAMPLES) {
            throw new IllegalArgumentException(field + " must be in [1, " + MAX_EXAMPLES + "] but was " + n);
        }
    }
}

package dev.spectra.optim.spectral;

import static dev.spectra.optim.spectral.SpectralTestData.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.state.ScratchArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cached-root direction of a step that does not learn ({@code R_C G R_K}, two products) against
 * the four-product direction {@code B_C [Q ./ (alpha d_C d_K^T)^(1/p)] B_K^T} that a learning step
 * computes from the same factors - including right after an update, when a stale cache would show.
 */
class KroneckerRootsTest {

    private static final int N = 40;
    private static int M = 24;
    /** The steps below say explicitly whether to learn; the interval only decides which sides are cached. */
    private static int interval = 10;

    private static SpectralSettings settings(StateDtype dtype, int maxFactorSize, double root, double damping) {
        return new SpectralSettings(0.05, 1.0, root, damping, interval, 1e-6, 0.3, Retraction.CAYLEY, maxFactorSize,
                dtype);
    }

    /** Gradients with row and column structure, so both factors rotate away from the identity. */
    private static INDArray gradient(INDArray lc, INDArray lk, DataType type) {
        return lc.mmul(Nd4j.randn(DataType.DOUBLE, N, M)).mmul(lk.transpose()).mul(1e-3).castTo(type);
    }

    private static void checkCachedEqualsFourProducts(StateDtype dtype, int maxFactorSize, double root, double tol) {
        check(dtype, maxFactorSize, root, 0.0, tol);
    }

    /** Runs the comparison; returns the largest relative difference seen. */
    private static double check(StateDtype dtype, int maxFactorSize, double root, double damping, double tol) {
        double worst = 0;
        Nd4j.getRandom().setSeed(17);
        DataType type = dtype.computeType();
        INDArray lc = SpectralTestData.covarianceRoot(N, 0.1, 10);
        INDArray lk = SpectralTestData.covarianceRoot(M, 0.2, 5);
        SpectralSettings s = settings(dtype, maxFactorSize, root, damping);
        INDArray g0 = gradient(lc, lk, type);
        KroneckerSpectral cached = KroneckerSpectral.initial(N, M, g0, s);
        KroneckerSpectral reference = KroneckerSpectral.initial(N, M, g0, s);
        ScratchArrays scratch = new ScratchArrays();
        long t = 0;
        for (int i = 0; i < 30; i++) {
            INDArray g = gradient(lc, lk, type);
            t++;
            cached.step(g.dup('c'), t, true, scratch);
            reference.step(g.dup('c'), t, true, scratch);
            scratch.releaseAll();
        }
        for (int round = 0; round < 3; round++) {
            // Two non-learning steps on the cache (the first rebuilds it) against the learning
            // step's four-product direction from the same factors.
            for (int k = 0; k < 2; k++) {
                INDArray g = gradient(lc, lk, type);
                INDArray viaRoots = g.dup('c');
                cached.step(viaRoots, t + 1, false, scratch);
                scratch.releaseAll();
                INDArray viaQ = g.dup('c');
                KroneckerSpectral twin = copyOf(reference, s);
                twin.step(viaQ, t + 1, true, scratch);
                scratch.releaseAll();
                worst = Math.max(worst, relativeError(viaRoots, viaQ));
                assertThat(relativeError(viaRoots, viaQ)).as("%s, maxFactorSize %d, p %s", dtype, maxFactorSize, root)
                        .isLessThanOrEqualTo(tol);
            }
            // Both learn from the same gradient: the cache must be rebuilt from the new factors.
            INDArray g = gradient(lc, lk, type);
            t++;
            cached.step(g.dup('c'), t, true, scratch);
            reference.step(g.dup('c'), t, true, scratch);
            scratch.releaseAll();
        }
        return worst;
    }

    /** An independent copy of a state through its stored tensors (as a checkpoint would). */
    private static KroneckerSpectral copyOf(KroneckerSpectral k, SpectralSettings s) {
        StateDtype dt = s.stateDtype();
        SpectralFactor c = k.rowFactor();
        SpectralFactor r = k.colFactor();
        return new KroneckerSpectral(k.rows(), k.cols(), s,
                SpectralFactor.restore(c.storedBasis() == null ? null : c.storedBasis().dup(), c.storedLogEigenvalues().dup(),
                        null, dt),
                SpectralFactor.restore(r.storedBasis() == null ? null : r.storedBasis().dup(), r.storedLogEigenvalues().dup(),
                        null, dt),
                CompensatedTensor.of(k.logAlpha().storedHigh().dup(), null, dt), k.lastUpdate());
    }

    @Test
    void cachedRootsGiveTheFourProductDirectionInFp32() {
        // fp32: the two paths round differently (two products vs four); measured 4.0e-7.
        checkCachedEqualsFourProducts(StateDtype.FLOAT32, Integer.MAX_VALUE, 2.0, 1e-5);
    }

    @Test
    void cachedRootsGiveTheFourProductDirectionInFp64ForAnyRoot() {
        checkCachedEqualsFourProducts(StateDtype.FLOAT64, Integer.MAX_VALUE, 2.0, 1e-12);
        checkCachedEqualsFourProducts(StateDtype.FLOAT64, Integer.MAX_VALUE, 3.5, 1e-12);
    }

    @Test
    void cachedRootsHandleADiagonalSide() {
        // maxFactorSize 30: the 40-row side is diagonal, the 24-column side dense.
        checkCachedEqualsFourProducts(StateDtype.FLOAT64, 30, 2.0, 1e-12);
        // maxFactorSize 20: both sides diagonal (no cache involved, same path).
        checkCachedEqualsFourProducts(StateDtype.FLOAT64, 20, 2.0, 1e-12);
    }

    @Test
    void onlyTheSidesThatPayForTheirRootAreCached() {
        // 784 x 256 (the MLP's first layer): at T = 2 only the 256-side, at T = 10 both, at T = 1 none.
        assertThat(KroneckerRoots.forInterval(784, 256, true, true, 1)).isNull();
        assertThat(KroneckerRoots.forInterval(784, 256, true, false, 2)).isNull();
        assertThat(KroneckerRoots.forInterval(784, 256, true, true, 2)).isNotNull();
        assertThat(KroneckerRoots.forInterval(784, 256, true, false, 10)).isNotNull();
        // One side cached, the other applied through its basis: 40 x 12 at T = 2 caches only the columns.
        int savedM = M;
        int savedInterval = interval;
        try {
            M = 12;
            interval = 2;
            assertThat(check(StateDtype.FLOAT64, Integer.MAX_VALUE, 2.0, 0.0, 1e-12)).isPositive();
        } finally {
            M = savedM;
            interval = savedInterval;
        }
    }

    @Test
    void dampingThatChangesValuesKeepsTheFourProductPath() {
        // lambda 1e-6 against alpha ~ 1e-6: the damped root does not factorize, so no cache is used
        // and the directions agree exactly; with lambda 0 they differ by round-off (the cache is used).
        assertThat(check(StateDtype.FLOAT64, Integer.MAX_VALUE, 2.0, 1e-6, 0.0)).isZero();
        assertThat(check(StateDtype.FLOAT64, Integer.MAX_VALUE, 2.0, 0.0, 1e-12)).isPositive();
    }

    @Test
    void dampingBelowTheCachedPathsRoundOffStillUsesTheCache() {
        // A probe run without damping gives alpha and the smallest d after the warm-up; lambda is
        // then chosen so that the largest damping effect u / p is ~1e-7: above fp32's 2^-25 (the
        // four-product path applies the correction) but below 2^-22 (the cache may ignore it).
        Nd4j.getRandom().setSeed(17);
        INDArray lc = SpectralTestData.covarianceRoot(N, 0.1, 10);
        INDArray lk = SpectralTestData.covarianceRoot(M, 0.2, 5);
        SpectralSettings undamped = settings(StateDtype.FLOAT32, Integer.MAX_VALUE, 2.0, 0.0);
        KroneckerSpectral probe = KroneckerSpectral.initial(N, M, gradient(lc, lk, DataType.FLOAT), undamped);
        ScratchArrays scratch = new ScratchArrays();
        for (int t = 1; t <= 30; t++) {
            probe.step(gradient(lc, lk, DataType.FLOAT), t, true, scratch);
            scratch.releaseAll();
        }
        double minC = java.util.Arrays.stream(probe.rowFactor().eigenvalues(scratch)).min().orElseThrow();
        double minK = java.util.Arrays.stream(probe.colFactor().eigenvalues(scratch)).min().orElseThrow();
        double lambda = 1e-7 * 2.0 * probe.alpha() * minC * minK;
        double worst = check(StateDtype.FLOAT32, Integer.MAX_VALUE, 2.0, lambda, 1e-5);
        assertThat(worst).as("cache used (not bit-identical to the four-product path)").isPositive();
    }

    @Test
    void tiledGeneratorEqualsTheEntrywiseFormula() {
        int n = 150; // more than two tiles, not a multiple of the tile edge
        Nd4j.getRandom().setSeed(3);
        INDArray w = Nd4j.randn(DataType.DOUBLE, n, n).dup('f');
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.exp(0.01 * i) * (i % 7 == 0 ? 1.0 : 1.0 + 1e-9); // some gaps below the tolerance
        }
        INDArray out = Nd4j.createUninitialized(DataType.DOUBLE, new long[] {n, n}, 'f');
        boolean any = SpectralFactor.buildRotationGenerator(Cells.of(w), d, n, 0.02, 1e-6, 0.3, Cells.of(out), 0.5, 1.0);
        assertThat(any).isTrue();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double expected;
                if (i == j) {
                    expected = 1.0;
                } else {
                    int hi = Math.max(i, j);
                    int lo = Math.min(i, j);
                    double gap = d[hi] - d[lo];
                    double v = Math.abs(gap) > 1e-6 * Math.max(d[hi], d[lo])
                            ? Math.max(-0.3, Math.min(0.3, -0.02 * w.getDouble(hi, lo) / gap)) : 0.0;
                    expected = 0.5 * (i > j ? v : -v);
                }
                assertThat(out.getDouble(i, j)).as("(%d, %d)", i, j).isEqualTo(expected);
            }
        }
    }
}

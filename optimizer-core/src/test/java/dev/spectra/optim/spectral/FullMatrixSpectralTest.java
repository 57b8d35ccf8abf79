package dev.spectra.optim.spectral;

import static dev.spectra.optim.spectral.SpectralTestData.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.reference.DefaultSpdScheme;
import dev.spectra.optim.state.ScratchArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Claims 1-3 of algorithm.md section 6 for the full-matrix scheme. */
class FullMatrixSpectralTest {

    /** Errors of one run of the spectral scheme against the default scheme on a shared stream. */
    private record Tracking(double finalError, double worstEarly, double worstLate, double truthDefault,
                            double truthSpectral, double worstOrthogonality) {
    }

    /**
     * n = 100, each H the mean of 128 outer products of gradients drawn from a fixed covariance
     * (eigenvalues log-uniform in [0.1, 10]), beta2 = 0.01, 500 steps from S = I.
     */
    private static Tracking cayleyTracking;

    private static synchronized Tracking cayley() {
        if (cayleyTracking == null) {
            cayleyTracking = track(Retraction.CAYLEY);
        }
        return cayleyTracking;
    }

    private static Tracking track(Retraction retraction) {
        int n = 100;
        int batch = 128;
        int steps = 500;
        double beta2 = 0.01;
        Nd4j.getRandom().setSeed(42);
        INDArray root = SpectralTestData.covarianceRoot(n, 0.1, 10);
        INDArray truth = root.mmul(root.transpose());
        FullMatrixSpectral spectral = FullMatrixSpectral.identity(n,
                SpectralSettings.of(beta2, 1.0, 2.0, retraction, StateDtype.FLOAT32),
                FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
        DefaultSpdScheme reference = DefaultSpdScheme.identity(n, DataType.DOUBLE, beta2, 1.0);
        ScratchArrays scratch = new ScratchArrays();
        double worstEarly = 0;
        double worstLate = 0;
        double worstOrth = 0;
        double err = 0;
        for (int t = 1; t <= steps; t++) {
            INDArray g = root.mmul(Nd4j.randn(DataType.DOUBLE, n, batch));
            reference.update(g.mmul(g.transpose()).divi(batch));
            spectral.updateFromSamples(g.castTo(DataType.FLOAT), 1.0 / batch, scratch);
            scratch.releaseAll();
            err = relativeError(spectral.covariance(), reference.matrix());
            if (t <= 100) {
                worstEarly = Math.max(worstEarly, err);
            } else {
                worstLate = Math.max(worstLate, err);
            }
            if (t % 50 == 0) {
                worstOrth = Math.max(worstOrth, spectral.orthogonalityError());
            }
        }
        return new Tracking(err, worstEarly, worstLate, relativeError(reference.matrix(), truth),
                relativeError(spectral.covariance(), truth), worstOrth);
    }

    @Test
    void cayleySchemeTracksTheDefaultSchemeAndEstimatesTheCovarianceAsWell() {
        Tracking r = cayley();
        System.out.printf("full-matrix tracking (cayley): final %.4f, worst steps 1-100 %.4f, worst 101-500 %.4f,"
                        + " error vs truth: default %.4f spectral %.4f%n",
                r.finalError(), r.worstEarly(), r.worstLate(), r.truthDefault(), r.truthSpectral());
        assertThat(r.finalError()).as("final relative Frobenius error vs default scheme").isLessThanOrEqualTo(0.05);
        // The degenerate start (d all equal, no rotation possible at step 1) deviates more: measured ~0.12.
        assertThat(r.worstEarly()).as("worst error in the first 1/beta2 steps").isLessThanOrEqualTo(0.25)
                .isGreaterThan(r.finalError());
        assertThat(r.worstLate()).as("worst error after the first 1/beta2 steps").isLessThanOrEqualTo(0.05);
        assertThat(r.truthSpectral()).as("both estimate the true covariance equally well")
                .isCloseTo(r.truthDefault(), org.assertj.core.api.Assertions.within(0.1 * r.truthDefault()));
    }

    @Test
    void matmulOnlyRetractionStaysOrthogonalAndTracksWithinAFewTimesCayley() {
        Tracking cayley = cayley();
        Tracking matmul = track(Retraction.MATMUL_ONLY);
        System.out.printf("full-matrix tracking (matmul-only): final %.4f (cayley %.4f), worst 101-500 %.4f,"
                        + " max ||B^T B - I|| %.2e%n",
                matmul.finalError(), cayley.finalError(), matmul.worstLate(), matmul.worstOrthogonality());
        assertThat(matmul.worstOrthogonality()).as("||B^T B - I||_F").isLessThan(1e-2);
        assertThat(matmul.finalError()).as("final tracking error").isLessThanOrEqualTo(3 * cayley.finalError())
                .isLessThanOrEqualTo(0.05);
        assertThat(matmul.worstLate()).isLessThanOrEqualTo(3 * cayley.worstLate());
    }

    /** From S = Diag(1..n) (well separated), one step with beta2 and with beta2/2. */
    @Test
    void oneStepGapToTheDefaultSchemeScalesAsBeta2Squared() {
        int n = 20;
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, n);
        INDArray h = x.add(x.transpose()).muli(2.0); // symmetric, indefinite, O(n) entries
        double[] gaps = new double[2];
        double[] betas = {0.01, 0.005};
        for (int k = 0; k < 2; k++) {
            double[] d0 = new double[n];
            for (int i = 0; i < n; i++) {
                d0[i] = 1.0 + i;
            }
            FullMatrixSpectral spectral = FullMatrixSpectral.identity(n,
                    SpectralSettings.of(betas[k], 1.0, 2.0, Retraction.CAYLEY, StateDtype.FLOAT64).withStepBound(10),
                    FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
            ScratchArrays scratch = new ScratchArrays();
            spectral.setEigenvalues(d0, scratch);
            DefaultSpdScheme reference = new DefaultSpdScheme(spectral.covariance(), betas[k], 1.0);
            spectral.updateFromCurvature(h, scratch);
            reference.update(h);
            gaps[k] = spectral.covariance().sub(reference.matrix()).norm2Number().doubleValue();
        }
        double ratio = gaps[0] / gaps[1];
        System.out.printf("one-step gap: beta2=0.01 -> %.3e, beta2=0.005 -> %.3e, ratio %.3f%n", gaps[0], gaps[1], ratio);
        assertThat(ratio).as("halving beta2 quarters the gap").isBetween(3.6, 4.4);
    }

    @Test
    void anyRootEqualsTheEigendecompositionResult() {
        for (StateDtype dtype : new StateDtype[] {StateDtype.FLOAT32, StateDtype.FLOAT64}) {
            int n = 40;
            Nd4j.getRandom().setSeed(11);
            INDArray root = SpectralTestData.covarianceRoot(n, 0.2, 5);
            FullMatrixSpectral spectral = FullMatrixSpectral.identity(n,
                    SpectralSettings.of(0.05, 1.0, 2.0, Retraction.CAYLEY, dtype),
                    FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
            ScratchArrays scratch = new ScratchArrays();
            for (int t = 0; t < 200; t++) {
                spectral.updateFromSamples(root.mmul(Nd4j.randn(DataType.DOUBLE, n, 16)).castTo(dtype.computeType()),
                        1.0 / 16, scratch);
                scratch.releaseAll();
            }
            // The exact S the state represents, decomposed in fp64 by LAPACK.
            INDArray s = spectral.covariance().castTo(DataType.DOUBLE);
            DefaultSpdScheme exact = new DefaultSpdScheme(s, 0.01, 1.0);
            INDArray v = Nd4j.randn(DataType.DOUBLE, n, 1);
            double tolerance = dtype == StateDtype.FLOAT32 ? 1e-5 : 1e-10;
            for (double p : new double[] {1, 2, 3.5, 4}) {
                FullMatrixSpectral withRoot = FullMatrixSpectral.restore(spectral.factor(),
                        SpectralSettings.of(0.05, 1.0, p, Retraction.CAYLEY, dtype),
                        FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
                INDArray out = Nd4j.create(dtype.computeType(), n, 1);
                withRoot.precondition(v.castTo(dtype.computeType()), out, scratch);
                scratch.releaseAll();
                double err = relativeError(out, exact.inverseRoot(v, p, 0.0));
                assertThat(err).as("p=%s %s relative error", p, dtype).isLessThan(tolerance);
            }
        }
    }

    @Test
    void indefiniteCurvatureKeepsEigenvaluesPositiveWhileTheDefaultSchemeLosesDefiniteness() {
        int n = 50;
        Nd4j.getRandom().setSeed(21);
        // Mean curvature with a third of its spectrum negative, plus symmetric noise each step.
        INDArray q = SpectralTestData.orthogonal(n);
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = i < n / 3 ? -0.5 : 1.0 + i * 0.05;
        }
        INDArray mean = q.mulRowVector(Nd4j.createFromArray(ev)).mmul(q.transpose());
        FullMatrixSpectral spectral = FullMatrixSpectral.identity(n,
                SpectralSettings.of(0.01, 1.0, 2.0, Retraction.CAYLEY, StateDtype.FLOAT32),
                FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
        DefaultSpdScheme reference = DefaultSpdScheme.identity(n, DataType.DOUBLE, 0.01, 1.0);
        ScratchArrays scratch = new ScratchArrays();
        double worstOrth = 0;
        double smallestD = Double.MAX_VALUE;
        long defaultLostAt = -1;
        for (int t = 1; t <= 1000; t++) {
            INDArray noise = Nd4j.randn(DataType.DOUBLE, n, n);
            INDArray h = mean.add(noise.add(noise.transpose()).muli(0.5));
            spectral.updateFromCurvature(h.castTo(DataType.FLOAT), scratch);
            scratch.releaseAll();
            reference.update(h);
            for (double d : spectral.eigenvalues()) {
                smallestD = Math.min(smallestD, d);
            }
            worstOrth = Math.max(worstOrth, spectral.orthogonalityError());
            if (defaultLostAt < 0 && t % 10 == 0 && reference.minEigenvalue() <= 0) {
                defaultLostAt = t;
            }
        }
        System.out.printf("indefinite H: min d %.3e, max ||B^T B - I|| %.2e, default scheme indefinite from step %d%n",
                smallestD, worstOrth, defaultLostAt);
        assertThat(smallestD).as("smallest eigenvalue over 1000 steps").isPositive();
        assertThat(worstOrth).as("max ||B^T B - I||_F over 1000 steps").isLessThan(1e-4);
        assertThat(defaultLostAt).as("step at which the default scheme stopped being positive definite").isPositive();
    }
}

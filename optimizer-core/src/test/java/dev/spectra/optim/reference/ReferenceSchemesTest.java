package dev.spectra.optim.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.optim.testing.Dense;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReferenceSchemesTest {

    private static INDArray randomSpd(int n, Random rnd) {
        double[][] x = Dense.gaussian(n, n, rnd);
        return Dense.toNd4j(Dense.add(Dense.mul(x, Dense.t(x)), 1.0 / n, Dense.identity(n), 1), DataType.DOUBLE);
    }

    private static double relErr(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }

    /** The local-coordinate step agrees with the default step to first order: the gap scales as beta2^2. */
    @Test
    void choleskyStepMatchesTheDefaultStepToFirstOrder() {
        Random rnd = new Random(1);
        INDArray s0 = randomSpd(6, rnd);
        INDArray h = randomSpd(6, rnd);
        double[] gaps = new double[2];
        double[] betas = {0.02, 0.01};
        for (int k = 0; k < 2; k++) {
            CholeskySpdScheme chol = new CholeskySpdScheme(s0, betas[k], 1.0);
            chol.update(h);
            INDArray expected = s0.mul(1 - betas[k]).addi(h.mul(betas[k]));
            gaps[k] = chol.matrix().sub(expected).norm2Number().doubleValue();
        }
        assertThat(gaps[0] / gaps[1]).as("halving beta2 quarters the gap").isBetween(3.8, 4.2);
    }

    @Test
    void choleskyConvergesToTheMeanCurvatureAndStaysPositiveDefiniteOnIndefiniteNoise() {
        Random rnd = new Random(2);
        INDArray target = randomSpd(5, rnd);
        CholeskySpdScheme exact = CholeskySpdScheme.identity(5, DataType.DOUBLE, 0.05, 1.0);
        for (int t = 0; t < 400; t++) {
            exact.update(target);
        }
        assertThat(relErr(exact.matrix(), target)).as("fixed point E[H]").isLessThan(1e-6);

        CholeskySpdScheme chol = CholeskySpdScheme.identity(5, DataType.DOUBLE, 0.05, 1.0);
        DefaultSpdSchemeLike naive = new DefaultSpdSchemeLike(Nd4j.eye(5).castTo(DataType.DOUBLE), 0.05);
        double noise = 10 * target.norm2Number().doubleValue();
        boolean naiveLostDefiniteness = false;
        for (int t = 0; t < 200; t++) {
            INDArray e = Dense.toNd4j(Dense.gaussian(5, 5, rnd), DataType.DOUBLE);
            INDArray h = target.add(SpdMatrices.symmetrized(e).muli(noise / 5));
            chol.update(h);
            naive.update(h);
            naiveLostDefiniteness |= SpdMatrices.minEigenvalue(naive.s) <= 0;
            assertThat(SpdMatrices.minEigenvalue(chol.matrix())).as("step %d", t).isGreaterThan(0);
        }
        assertThat(naiveLostDefiniteness).as("the plain moving average leaves the cone on this stream").isTrue();
    }

    /** The plain default step, inline so this test does not depend on another package's class. */
    private static final class DefaultSpdSchemeLike {
        INDArray s;
        final double beta2;

        DefaultSpdSchemeLike(INDArray s, double beta2) {
            this.s = s;
            this.beta2 = beta2;
        }

        void update(INDArray h) {
            s = s.mul(1 - beta2).addi(h.mul(beta2));
        }
    }

    @Test
    void projectionKeepsEveryEigenvalueAboveTheFloorAndIsTheDefaultStepInsideTheCone() {
        Random rnd = new Random(3);
        INDArray target = randomSpd(4, rnd);
        ProjectedSpdScheme proj = ProjectedSpdScheme.identity(4, DataType.DOUBLE, 0.1, 1.0, 1e-3);
        INDArray h = target.dup();
        proj.update(h);
        assertThat(relErr(proj.matrix(), Nd4j.eye(4).castTo(DataType.DOUBLE).muli(0.9).addi(h.mul(0.1))))
                .isLessThan(1e-12);
        assertThat(proj.projections()).isZero();
        for (int t = 0; t < 300; t++) {
            INDArray e = Dense.toNd4j(Dense.gaussian(4, 4, rnd), DataType.DOUBLE);
            proj.update(SpdMatrices.symmetrized(e).muli(20));
            assertThat(SpdMatrices.minEigenvalue(proj.matrix())).isGreaterThanOrEqualTo(1e-3 - 1e-12);
        }
        assertThat(proj.projections()).isPositive();
        assertThatThrownBy(() -> ProjectedSpdScheme.identity(3, DataType.DOUBLE, 0.1, 1, 0))
                .hasMessageContaining("floor must be > 0 but was 0.0");
    }

    @Test
    void kroneckerBaselinesConvergeToAStructuredTarget() {
        Random rnd = new Random(4);
        INDArray sc = randomSpd(3, rnd);
        INDArray sk = randomSpd(4, rnd);
        INDArray lc = SpdMatrices.cholesky(sc);
        INDArray lk = SpdMatrices.cholesky(sk);
        INDArray target = KroneckerScheme.kron(sc, sk);
        List<KroneckerScheme> schemes = List.of(
                new KroneckerDefaultScheme(3, 4, DataType.DOUBLE, 0.04, 1.0),
                new KroneckerCholeskyScheme(3, 4, DataType.DOUBLE, 0.04, 1.0),
                new KroneckerProjectionScheme(3, 4, DataType.DOUBLE, 0.04, 1.0, 1e-9));
        Nd4j.getRandom().setSeed(4);
        for (int t = 0; t < 400; t++) {
            INDArray g = lc.mmul(Nd4j.randn(DataType.DOUBLE, 3, 4)).mmul(lk.transpose());
            schemes.forEach(s -> s.update(g));
        }
        for (KroneckerScheme s : schemes) {
            // One gradient per step and beta2 = 0.04 leave a sampling-noise floor of 15-25% (measured);
            // from S = I the starting error is ~90%.
            assertThat(relErr(s.estimate(), target)).as(s.getClass().getSimpleName()).isLessThan(0.3);
        }
    }

    @Test
    void kroneckerProjectionIsExactOnAKroneckerMatrix() {
        // beta2 = 1: the full matrix becomes vec(G) vec(G)^T = (x x^T) kron (y y^T) for G = x y^T.
        INDArray x = Nd4j.createFromArray(1.0, -2.0, 0.5).reshape(3, 1);
        INDArray y = Nd4j.createFromArray(0.3, 1.0, 2.0, -1.0).reshape(4, 1);
        KroneckerProjectionScheme p = new KroneckerProjectionScheme(3, 4, DataType.DOUBLE, 1.0, 1.0, 1e-12);
        p.update(x.mmul(y.transpose()));
        INDArray expected = KroneckerScheme.kron(x.mmul(x.transpose()), y.mmul(y.transpose()));
        assertThat(relErr(p.estimate(), expected)).isLessThan(1e-9);
    }
}

package dev.spectra.optim.spectral;

import static dev.spectra.optim.spectral.SpectralTestData.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.ScratchArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Claim 4 of algorithm.md section 6: the Kronecker scheme on a fixed 99 x 99 target (9 x 11 gradients). */
class KroneckerSpectralTest {

    private static final int N = 9;
    private static final int M = 11;
    private static final int STEPS = 5000;

    private static SpectralSettings settings() {
        return SpectralSettings.of(0.01, 1.0, 2.0, Retraction.CAYLEY, StateDtype.FLOAT32);
    }

    /** Runs 5000 steps, one gradient {@code reshape(L z)} per step; returns the learned state and worst |sum log d|. */
    private static Object[] learn(INDArray l) {
        ScratchArrays scratch = new ScratchArrays();
        KroneckerSpectral k = null;
        double worstLogDet = 0;
        for (int t = 1; t <= STEPS; t++) {
            INDArray g = l.mmul(Nd4j.randn(DataType.DOUBLE, N * M, 1)).reshape('c', N, M).castTo(DataType.FLOAT);
            if (k == null) {
                k = KroneckerSpectral.initial(N, M, g, settings());
            }
            k.step(g, t, true, scratch);
            scratch.releaseAll();
            worstLogDet = Math.max(worstLogDet, Math.max(Math.abs(sumLog(k.rowFactor())), Math.abs(sumLog(k.colFactor()))));
        }
        return new Object[] {k, worstLogDet};
    }

    private static double sumLog(SpectralFactor f) {
        Cells c = Cells.of(f.storedLogEigenvalues());
        double sum = 0;
        for (int i = 0; i < f.size(); i++) {
            sum += c.get(i);
        }
        return sum;
    }

    private static INDArray kron(INDArray a, INDArray b) {
        int n = (int) a.rows();
        int m = (int) b.rows();
        INDArray out = Nd4j.create(DataType.DOUBLE, n * m, n * m);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i * m, (i + 1) * m),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(j * m, (j + 1) * m)).assign(b.mul(a.getDouble(i, j)));
            }
        }
        return out;
    }

    private static INDArray learnedCurvature(KroneckerSpectral k) {
        return kron(k.rowFactor().matrix().castTo(DataType.DOUBLE), k.colFactor().matrix().castTo(DataType.DOUBLE))
                .muli(k.alpha());
    }

    @Test
    void learnsAKroneckerStructuredTargetWithTheDeterminantConstraintHeldEveryStep() {
        Nd4j.getRandom().setSeed(17);
        INDArray lc = SpectralTestData.covarianceRoot(N, 0.2, 5);
        INDArray lk = SpectralTestData.covarianceRoot(M, 0.2, 5);
        INDArray target = kron(lc.mmul(lc.transpose()), lk.mmul(lk.transpose()));
        // G = L_C Z L_K^T is reshape((L_C kron L_K) vec(Z)) for the row-major vec.
        Object[] run = learn(kron(lc, lk));
        KroneckerSpectral k = (KroneckerSpectral) run[0];
        double err = relativeError(learnedCurvature(k), target);
        System.out.printf("kronecker structured target: relative error %.4f, worst |sum log d| %.2e%n", err, run[1]);
        assertThat((double) run[1]).as("|sum log d| over every step (fp32)").isLessThan(1e-5);
        assertThat(err).as("relative Frobenius error of alpha (S_C kron S_K)").isLessThanOrEqualTo(0.12);
        assertThat(k.rowFactor().orthogonalityError()).isLessThan(1e-4);
        assertThat(k.colFactor().orthogonalityError()).isLessThan(1e-4);
    }

    @Test
    void approachesTheFlipFlopFixedPointOfAnUnstructuredTarget() {
        Nd4j.getRandom().setSeed(23);
        INDArray l = SpectralTestData.covarianceRoot(N * M, 0.1, 10);
        INDArray target = l.mmul(l.transpose());
        INDArray[] fixedPoint = flipFlop(target);
        Object[] run = learn(l);
        KroneckerSpectral k = (KroneckerSpectral) run[0];
        INDArray sc = k.rowFactor().matrix().castTo(DataType.DOUBLE);
        INDArray sk = k.colFactor().matrix().castTo(DataType.DOUBLE);
        double errC = relativeError(sc, fixedPoint[0]);
        double errK = relativeError(sk, fixedPoint[1]);
        // Scale: alpha's fixed point is E[g^T (F_C kron F_K)^-1 g] / (nm) = tr((F_C kron F_K)^-1 S) / (nm).
        INDArray inv = inverse(kron(fixedPoint[0], fixedPoint[1]));
        double alphaStar = Nd4j.diag(inv.mmul(target)).sumNumber().doubleValue() / (N * M);
        System.out.printf("flip-flop fixed point: S_C error %.4f, S_K error %.4f, alpha %.4f vs %.4f%n", errC, errK,
                k.alpha(), alphaStar);
        assertThat(errC).as("S_C vs fixed point (both det 1)").isLessThan(0.15);
        assertThat(errK).as("S_K vs fixed point (both det 1)").isLessThan(0.15);
        assertThat(k.alpha()).as("alpha vs its fixed point").isCloseTo(alphaStar,
                org.assertj.core.api.Assertions.within(0.1 * alphaStar));
        assertThat((double) run[1]).isLessThan(1e-5);
    }

    /**
     * Iterates {@code F_K = E[G^T F_C^-1 G]/n}, {@code F_C = E[G F_K^-1 G^T]/m} with exact
     * expectations under the target, each normalized to determinant 1.
     */
    private static INDArray[] flipFlop(INDArray s) {
        double[][] t = s.toDoubleMatrix();
        INDArray fc = Nd4j.eye(N).castTo(DataType.DOUBLE);
        INDArray fk = Nd4j.eye(M).castTo(DataType.DOUBLE);
        for (int it = 0; it < 200; it++) {
            double[][] ic = inverse(fc).toDoubleMatrix();
            double[][] k = new double[M][M];
            for (int a = 0; a < M; a++) {
                for (int b = 0; b < M; b++) {
                    double acc = 0;
                    for (int i = 0; i < N; i++) {
                        for (int j = 0; j < N; j++) {
                            acc += ic[i][j] * t[i * M + a][j * M + b];
                        }
                    }
                    k[a][b] = acc / N;
                }
            }
            fk = unitDeterminant(Nd4j.createFromArray(k));
            double[][] ik = inverse(fk).toDoubleMatrix();
            double[][] c = new double[N][N];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    double acc = 0;
                    for (int a = 0; a < M; a++) {
                        for (int b = 0; b < M; b++) {
                            acc += ik[a][b] * t[i * M + a][j * M + b];
                        }
                    }
                    c[i][j] = acc / M;
                }
            }
            fc = unitDeterminant(Nd4j.createFromArray(c));
        }
        return new INDArray[] {fc, fk};
    }

    private static INDArray unitDeterminant(INDArray a) {
        INDArray vecs = a.dup('f');
        INDArray vals = Nd4j.create(DataType.DOUBLE, a.rows());
        DenseLinearAlgebra.symmetricEigen(vecs, vals);
        double meanLog = 0;
        for (int i = 0; i < vals.length(); i++) {
            meanLog += Math.log(vals.getDouble(i));
        }
        return a.div(Math.exp(meanLog / vals.length()));
    }

    private static INDArray inverse(INDArray a) {
        INDArray lu = a.dup('f');
        INDArray x = Nd4j.eye(a.rows()).castTo(DataType.DOUBLE).dup('f');
        DenseLinearAlgebra.solveInPlace(lu, x);
        return x;
    }
}

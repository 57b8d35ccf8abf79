package dev.spectra.optim.reference;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Dense symmetric-matrix helpers for the reference schemes, all through LAPACK syevd: these are
 * the decompositions the spectral scheme exists to avoid, so they live beside the baselines that
 * need them rather than in the optimizers.
 */
public final class SpdMatrices {

    private SpdMatrices() {
    }

    /** {@code [vectors (columns, 'f'), values (ascending)]} of a symmetric matrix (not modified). */
    public static INDArray[] eigen(INDArray s) {
        INDArray vectors = s.dup('f');
        INDArray values = Nd4j.create(s.dataType(), 1, s.rows());
        DenseLinearAlgebra.symmetricEigen(vectors, values);
        return new INDArray[] {vectors, values};
    }

    public static double minEigenvalue(INDArray s) {
        return eigen(s)[1].getDouble(0);
    }

    /** {@code V f(values) V^T} with f given as an in-place transform of the eigenvalue row. */
    public static INDArray function(INDArray s, java.util.function.UnaryOperator<INDArray> f) {
        INDArray[] e = eigen(s);
        INDArray scaled = e[0].mulRowVector(f.apply(e[1]));
        return Nd4j.gemm(scaled, e[0], false, true);
    }

    /** The nearest matrix (Frobenius) with every eigenvalue at least {@code floor}: eig + clamp. */
    public static INDArray projectToCone(INDArray s, double floor) {
        return function(symmetrized(s), v -> Transforms.max(v, floor, false));
    }

    /** {@code (S + lambda I)^(-1/p)}; NaN entries where S + lambda I is not positive definite. */
    public static INDArray inverseRoot(INDArray s, double p, double lambda) {
        return function(s, v -> Transforms.pow(v.addi(lambda), -1.0 / p, false));
    }

    /** {@code (A + A^T) / 2}. */
    public static INDArray symmetrized(INDArray a) {
        return a.add(a.transpose()).muli(0.5);
    }

    /**
     * {@code I + beta2 Half(W - gamma I)}: the identity plus a step along the Cholesky local
     * coordinate, Half keeping the strict lower triangle (of the symmetrized W) and half the diagonal.
     */
    public static INDArray choleskyLocalStep(INDArray w, double beta2, double gamma) {
        double[][] x = w.toDoubleMatrix();
        int n = x.length;
        double[][] step = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                step[i][j] = beta2 * 0.5 * (x[i][j] + x[j][i]);
            }
            step[i][i] = 1 + beta2 * 0.5 * (x[i][i] - gamma);
        }
        return Nd4j.create(step).castTo(w.dataType());
    }

    /** The lower-triangular Cholesky factor of an SPD matrix (plain loops: references are small). */
    public static INDArray cholesky(INDArray s) {
        int n = (int) s.rows();
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double diag = s.getDouble(j, j);
            for (int k = 0; k < j; k++) {
                diag -= l[j][k] * l[j][k];
            }
            if (!(diag > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + " = " + diag + ")");
            }
            l[j][j] = Math.sqrt(diag);
            for (int i = j + 1; i < n; i++) {
                double v = s.getDouble(i, j);
                for (int k = 0; k < j; k++) {
                    v -= l[i][k] * l[j][k];
                }
                l[i][j] = v / l[j][j];
            }
        }
        return Nd4j.create(l).castTo(s.dataType()).dup('f');
    }

    /** {@code L^-1 X} for a square invertible L (LU solve on a copy; L is left intact). */
    public static INDArray solve(INDArray l, INDArray x) {
        INDArray out = x.dup('f');
        DenseLinearAlgebra.solveInPlace(l.dup('f'), out);
        return out;
    }
}

package dev.spectra.optim.reference;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The paper's "default scheme" baseline for SPD curvature learning: keep S itself,
 * {@code S <- (1 - beta2 gamma) S + beta2 H}, and take an eigendecomposition whenever a root is
 * needed. The spectral scheme must reproduce it to first order in beta2 (the tests measure how
 * closely), and unlike the spectral scheme it loses positive-definiteness when H is indefinite.
 *
 * <p>Runs in fp64 or fp32 as given; eigendecompositions use LAPACK syevd.
 */
public final class DefaultSpdScheme {

    private final INDArray s;
    private final double beta2;
    private final double gamma;

    /** Starts from {@code initial} (copied, 'f'-ordered). */
    public DefaultSpdScheme(INDArray initial, double beta2, double gamma) {
        if (initial.rank() != 2 || initial.rows() != initial.columns()) {
            throw new IllegalArgumentException("the initial curvature must be square, got "
                    + java.util.Arrays.toString(initial.shape()));
        }
        this.s = initial.dup('f');
        this.beta2 = beta2;
        this.gamma = gamma;
    }

    /** {@code S = I} of size n in the given precision. */
    public static DefaultSpdScheme identity(int n, DataType type, double beta2, double gamma) {
        return new DefaultSpdScheme(Nd4j.eye(n).castTo(type), beta2, gamma);
    }

    /** {@code S <- (1 - beta2 gamma) S + beta2 H}. */
    public void update(INDArray h) {
        s.muli(1 - beta2 * gamma).addi(h.mul(beta2).castTo(s.dataType())); // h itself is not modified
    }

    /** A copy of S. */
    public INDArray matrix() {
        return s.dup('c');
    }

    /**
     * Eigendecomposition of S: {@code [vectors (columns, 'f'), values (ascending)]}.
     */
    public INDArray[] eigen() {
        INDArray vectors = s.dup('f');
        INDArray values = Nd4j.create(s.dataType(), s.rows());
        DenseLinearAlgebra.symmetricEigen(vectors, values);
        return new INDArray[] {vectors, values};
    }

    public double minEigenvalue() {
        return eigen()[1].getDouble(0);
    }

    /**
     * {@code (S + lambda I)^(-1/p) v} through the eigendecomposition; NaN where S + lambda I is not
     * positive definite (which is the point of comparing against it on indefinite curvature).
     */
    public INDArray inverseRoot(INDArray v, double p, double lambda) {
        INDArray[] e = eigen();
        INDArray vecs = e[0];
        INDArray scale = e[1].dup();
        for (long i = 0; i < scale.length(); i++) {
            scale.putScalar(i, Math.pow(scale.getDouble(i) + lambda, -1.0 / p));
        }
        INDArray t = Nd4j.gemm(vecs, v.castTo(s.dataType()).reshape(s.rows(), -1), true, false);
        t.muliColumnVector(scale.reshape(-1, 1));
        return Nd4j.gemm(vecs, t, false, false);
    }
}

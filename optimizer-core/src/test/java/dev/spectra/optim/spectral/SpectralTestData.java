package dev.spectra.optim.spectral;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded random matrices shared by the spectral tests. */
final class SpectralTestData {

    private SpectralTestData() {
    }

    /** A random orthogonal n x n matrix ('c'-ordered, fp64). */
    static INDArray orthogonal(int n) {
        INDArray q = Nd4j.randn(DataType.DOUBLE, n, n).dup('f');
        DenseLinearAlgebra.orthonormalizeColumns(q);
        return q.dup('c');
    }

    /** {@code L} with {@code L L^T = Q Diag(ev) Q^T}, eigenvalues log-uniform in [lo, hi] (fp64). */
    static INDArray covarianceRoot(int n, double lo, double hi) {
        INDArray q = orthogonal(n);
        INDArray u = Nd4j.rand(DataType.DOUBLE, n);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.sqrt(Math.exp(Math.log(lo) + u.getDouble(i) * (Math.log(hi) - Math.log(lo))));
        }
        return q.mulRowVector(Nd4j.createFromArray(s));
    }

    static double relativeError(INDArray actual, INDArray expected) {
        INDArray a = actual.castTo(DataType.DOUBLE);
        INDArray e = expected.castTo(DataType.DOUBLE);
        return a.sub(e).norm2Number().doubleValue() / e.norm2Number().doubleValue();
    }
}

package dev.spectra.optim.reference;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Kronecker-structured curvature learner for n x m gradients: learns {@code S_C kron S_K}
 * (acting as {@code S_C G S_K} on the row-major vec of G) from one gradient per step, so that its
 * fixed point is the Kronecker (matrix-normal) fit of {@code E[vec(G) vec(G)^T]}. The reference
 * baselines of the paper's Kronecker experiment; the spectral scheme is compared against them.
 */
public interface KroneckerScheme {

    /** One step with the gradient sample G (n x m). */
    void update(INDArray g);

    /** The current estimate {@code S_C kron S_K} as an nm x nm matrix (tests and reports only). */
    INDArray estimate();

    /** The Kronecker product {@code a kron b} with row-major vec indexing: {@code [i*m+j, k*m+l] = a[i,k] b[j,l]}. */
    static INDArray kron(INDArray a, INDArray b) {
        double[][] x = a.toDoubleMatrix();
        double[][] y = b.toDoubleMatrix();
        int n = x.length;
        int m = y.length;
        double[][] out = new double[n * m][n * m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < m; j++) {
                    for (int l = 0; l < m; l++) {
                        out[i * m + j][k * m + l] = x[i][k] * y[j][l];
                    }
                }
            }
        }
        return org.nd4j.linalg.factory.Nd4j.create(out).castTo(a.dataType());
    }
}

package dev.spectra.optim.reference;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Cholesky local-coordinate scheme per Kronecker factor: {@code S_l = L_l L_l^T} and, with
 * {@code A = L_C^-1 G L_K^-T}, {@code L_C <- L_C (I + b Half(A A^T / m - g I))},
 * {@code L_K <- L_K (I + b Half(A^T A / n - g I))} (both from the old factors): the
 * structured natural-gradient update whose fixed point is the same matrix-normal fit.
 */
public final class KroneckerCholeskyScheme implements KroneckerScheme {

    private INDArray lc;
    private INDArray lk;
    private final double beta2;
    private final double gamma;

    public KroneckerCholeskyScheme(int n, int m, DataType type, double beta2, double gamma) {
        this.lc = Nd4j.eye(n).castTo(type).dup('f');
        this.lk = Nd4j.eye(m).castTo(type).dup('f');
        this.beta2 = beta2;
        this.gamma = gamma;
    }

    @Override
    public void update(INDArray g) {
        INDArray gc = g.castTo(lc.dataType());
        // A = L_C^-1 G L_K^-T = (L_K^-1 (L_C^-1 G)^T)^T
        INDArray a = SpdMatrices.solve(lk, SpdMatrices.solve(lc, gc).transpose()).transpose();
        INDArray wc = a.mmul(a.transpose()).divi(lk.rows());
        INDArray wk = a.transpose().mmul(a).divi(lc.rows());
        lc = lc.mmul(SpdMatrices.choleskyLocalStep(wc, beta2, gamma)).dup('f');
        lk = lk.mmul(SpdMatrices.choleskyLocalStep(wk, beta2, gamma)).dup('f');
    }

    @Override
    public INDArray estimate() {
        return KroneckerScheme.kron(lc.mmul(lc.transpose()), lk.mmul(lk.transpose()));
    }
}

package dev.spectra.optim.reference;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The default scheme per Kronecker factor (the "flip-flop" moving average):
 * {@code S_C <- (1 - b g) S_C + b G S_K^-1 G^T / m}, {@code S_K <- (1 - b g) S_K + b G^T S_C^-1 G / n},
 * both from the old factors, with the inverses from eigendecompositions. Its fixed point solves the
 * matrix-normal maximum-likelihood equations.
 */
public final class KroneckerDefaultScheme implements KroneckerScheme {

    private INDArray sc;
    private INDArray sk;
    private final double beta2;
    private final double gamma;

    public KroneckerDefaultScheme(int n, int m, DataType type, double beta2, double gamma) {
        this.sc = Nd4j.eye(n).castTo(type);
        this.sk = Nd4j.eye(m).castTo(type);
        this.beta2 = beta2;
        this.gamma = gamma;
    }

    @Override
    public void update(INDArray g) {
        INDArray gc = g.castTo(sc.dataType());
        INDArray skInv = SpdMatrices.inverseRoot(sk, 1, 0);
        INDArray scInv = SpdMatrices.inverseRoot(sc, 1, 0);
        INDArray wc = gc.mmul(skInv).mmul(gc.transpose()).divi(sk.rows());
        INDArray wk = gc.transpose().mmul(scInv).mmul(gc).divi(sc.rows());
        sc = sc.mul(1 - beta2 * gamma).addi(SpdMatrices.symmetrized(wc).muli(beta2));
        sk = sk.mul(1 - beta2 * gamma).addi(SpdMatrices.symmetrized(wk).muli(beta2));
    }

    @Override
    public INDArray estimate() {
        return KroneckerScheme.kron(sc, sk);
    }
}

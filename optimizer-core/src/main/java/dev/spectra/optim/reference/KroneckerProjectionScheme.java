package dev.spectra.optim.reference;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The "impractical" projection baseline: run the default scheme on the full nm x nm matrix,
 * {@code S <- (1 - b g) S + b vec(G) vec(G)^T}, and report its projection onto Kronecker
 * structure - the nearest {@code S_C kron S_K} in Frobenius norm (Van Loan and Pitsianis: the
 * leading singular pair of the rearranged matrix, found by power iteration warm-started from the
 * previous step) with each factor then projected onto the SPD cone. Impractical because it stores
 * and updates the full matrix, which the Kronecker methods exist to avoid.
 */
public final class KroneckerProjectionScheme implements KroneckerScheme {

    private final int n;
    private final int m;
    private final INDArray full;
    private final double beta2;
    private final double gamma;
    private final double floor;
    private INDArray right;

    public KroneckerProjectionScheme(int n, int m, DataType type, double beta2, double gamma, double floor) {
        this.n = n;
        this.m = m;
        this.full = Nd4j.eye((long) n * m).castTo(type);
        this.beta2 = beta2;
        this.gamma = gamma;
        this.floor = floor;
        this.right = Nd4j.eye(m).castTo(type).reshape(m * m, 1);
    }

    @Override
    public void update(INDArray g) {
        INDArray v = g.castTo(full.dataType()).reshape('c', (long) n * m, 1);
        full.muli(1 - beta2 * gamma).addi(v.mmul(v.transpose()).muli(beta2));
    }

    /** Rearranged matrix R with {@code R[i*n+k, j*m+l] = S[i*m+j, k*m+l]}: S = A kron B iff R = vec(A) vec(B)^T. */
    private INDArray rearranged() {
        INDArray r = Nd4j.create(full.dataType(), (long) n * n, (long) m * m);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                INDArray block = full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i * m, (i + 1) * m),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(k * m, (k + 1) * m));
                r.getRow((long) i * n + k).assign(block.dup('c').reshape(m * m));
            }
        }
        return r;
    }

    @Override
    public INDArray estimate() {
        INDArray r = rearranged();
        INDArray u = null;
        for (int it = 0; it < 30; it++) {
            u = r.mmul(right);
            u.divi(u.norm2Number());
            INDArray next = r.transpose().mmul(u);
            double sigma = next.norm2Number().doubleValue();
            next.divi(sigma);
            double change = next.sub(right).norm2Number().doubleValue();
            right = next;
            if (change < 1e-12) {
                break;
            }
        }
        double sigma = r.mmul(right).norm2Number().doubleValue();
        INDArray a = u.reshape('c', n, n).mul(Math.sqrt(sigma));
        INDArray b = right.reshape('c', m, m).mul(Math.sqrt(sigma));
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += a.getDouble(i, i);
        }
        if (trace < 0) { // the singular pair is defined up to a joint sign
            a.negi();
            b.negi();
        }
        return KroneckerScheme.kron(SpdMatrices.projectToCone(a, floor), SpdMatrices.projectToCone(b, floor));
    }
}

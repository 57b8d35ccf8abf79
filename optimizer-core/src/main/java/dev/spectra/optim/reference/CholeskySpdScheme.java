package dev.spectra.optim.reference;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Cholesky-based local-coordinate scheme (Lin et al. 2023, structured natural-gradient
 * descent): keep a factor L with {@code S = L L^T} and step in the local coordinate M at the
 * identity, {@code L <- L (I + beta2 M)}, with
 * {@code M = Half(L^-1 H L^-T - gamma I)} (strict lower triangle plus half the diagonal).
 * To first order {@code S <- S + beta2 (H - gamma S)}, the default scheme's step, so its fixed
 * point is {@code E[H] / gamma}. {@code S = L L^T} is positive semi-definite by construction even
 * for indefinite H; it only degenerates if a diagonal entry of {@code I + beta2 M} hits zero.
 * Needs two triangular solves per step.
 */
public final class CholeskySpdScheme {

    private INDArray factor;
    private final double beta2;
    private final double gamma;

    /** Starts from the Cholesky factor of {@code initial} (SPD). */
    public CholeskySpdScheme(INDArray initial, double beta2, double gamma) {
        if (initial.rank() != 2 || initial.rows() != initial.columns()) {
            throw new IllegalArgumentException("the initial matrix must be square, got "
                    + java.util.Arrays.toString(initial.shape()));
        }
        this.factor = SpdMatrices.cholesky(initial);
        this.beta2 = beta2;
        this.gamma = gamma;
    }

    public static CholeskySpdScheme identity(int n, DataType type, double beta2, double gamma) {
        return new CholeskySpdScheme(Nd4j.eye(n).castTo(type), beta2, gamma);
    }

    /** One step with symmetric curvature H. */
    public void update(INDArray h) {
        INDArray hc = h.castTo(factor.dataType());
        // X = L^-1 H L^-T: solve for L^-1 H, then apply L^-1 to its transpose (H is symmetric).
        INDArray left = SpdMatrices.solve(factor, hc);
        INDArray x = SpdMatrices.solve(factor, left.transpose());
        INDArray step = SpdMatrices.choleskyLocalStep(x, beta2, gamma);
        factor = factor.mmul(step).dup('f');
    }

    /** {@code S = L L^T}. */
    public INDArray matrix() {
        return factor.mmul(factor.transpose()).dup('c');
    }

    /** A copy of the factor L. */
    public INDArray factor() {
        return factor.dup('c');
    }
}

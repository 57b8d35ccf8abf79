package dev.spectra.optim.reference;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The default scheme followed by projection onto the SPD cone:
 * {@code S <- Proj((1 - beta2 gamma) S + beta2 H)} where Proj clamps every eigenvalue to at least
 * {@code floor} (the Frobenius-nearest such matrix). Positive definite by force, at the price of
 * an eigendecomposition every step - the baseline for indefinite curvature.
 */
public final class ProjectedSpdScheme {

    private INDArray s;
    private final double beta2;
    private final double gamma;
    private final double floor;
    private long projections;

    public ProjectedSpdScheme(INDArray initial, double beta2, double gamma, double floor) {
        if (initial.rank() != 2 || initial.rows() != initial.columns()) {
            throw new IllegalArgumentException("the initial matrix must be square, got "
                    + java.util.Arrays.toString(initial.shape()));
        }
        if (!(floor > 0)) {
            throw new IllegalArgumentException("floor must be > 0 but was " + floor);
        }
        this.s = initial.dup('f');
        this.beta2 = beta2;
        this.gamma = gamma;
        this.floor = floor;
    }

    public static ProjectedSpdScheme identity(int n, DataType type, double beta2, double gamma, double floor) {
        return new ProjectedSpdScheme(Nd4j.eye(n).castTo(type), beta2, gamma, floor);
    }

    public void update(INDArray h) {
        INDArray next = s.mul(1 - beta2 * gamma).addi(h.castTo(s.dataType()).mul(beta2));
        if (SpdMatrices.minEigenvalue(next) < floor) {
            projections++;
            next = SpdMatrices.projectToCone(next, floor);
        }
        s = next.dup('f');
    }

    public INDArray matrix() {
        return s.dup('c');
    }

    /** How many updates had to be projected (left the cone). */
    public long projections() {
        return projections;
    }
}

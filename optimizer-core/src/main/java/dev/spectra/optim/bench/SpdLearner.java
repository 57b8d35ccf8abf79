package dev.spectra.optim.bench;

import dev.spectra.optim.reference.SpdMatrices;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One full-matrix SPD learning scheme as the experiments drive it: a stream of symmetric
 * curvature estimates in, the current matrix and its inverse roots out. The spectral scheme
 * overrides the sample-based and root entry points with its decomposition-free versions; the
 * reference schemes use an eigendecomposition (NaN when they have left the SPD cone).
 */
interface SpdLearner {

    String name();

    /** One step with a symmetric curvature estimate H (n x n). */
    void update(INDArray h);

    /** One step with {@code H = weight * G G^T} for the columns of G (n x k). */
    default void updateFromSamples(INDArray g, double weight) {
        update(Nd4j.gemm(g, g, false, true).muli(weight));
    }

    /** The current matrix S (a copy). */
    INDArray matrix();

    /** {@code S^(-1/p) v} for the columns of v. */
    default INDArray inverseRoot(INDArray v, double p) {
        return SpdMatrices.inverseRoot(matrix(), p, 0).mmul(v);
    }
}

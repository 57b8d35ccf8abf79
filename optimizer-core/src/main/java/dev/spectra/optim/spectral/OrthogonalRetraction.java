package dev.spectra.optim.spectral;

import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Applies {@code B <- B R(K)} for a skew-symmetric K, keeping B orthogonal.
 *
 * <p>A retraction consumes K in a prepared form {@code c I + s K} (Cayley: {@code I + K/2}, the
 * matrix it factorizes), so the caller that builds K entry by entry writes that form in the same
 * pass instead of scaling and patching the diagonal afterwards.
 */
interface OrthogonalRetraction {

    /** s in the prepared form {@code c I + s K}. */
    default double preparedScale() {
        return 1.0;
    }

    /** c in the prepared form {@code c I + s K}. */
    default double preparedDiagonal() {
        return 0.0;
    }

    /**
     * @param b        the basis, 'c'-ordered n x n in compute precision, updated in place
     * @param prepared {@code c I + s K} for the skew step K, dense 'f'-ordered n x n; consumed
     * @param scratch  work arrays for this call
     */
    void retractPrepared(INDArray b, INDArray prepared, ScratchArrays scratch);

    /** {@code B <- B R(K)} for a skew K (dense 'f'-ordered, consumed). */
    default void retract(INDArray b, INDArray k, ScratchArrays scratch) {
        double s = preparedScale();
        if (s != 1.0) {
            k.muli(s);
        }
        double c = preparedDiagonal();
        if (c != 0.0) {
            Cells m = Cells.of(k);
            int n = (int) k.rows();
            for (int i = 0; i < n; i++) {
                m.set(i * n + i, m.get(i * n + i) + c);
            }
        }
        retractPrepared(b, k, scratch);
    }
}

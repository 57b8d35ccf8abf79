package dev.spectra.optim.spectral;

import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Applies {@code B <- B R(K)} for a skew-symmetric K, keeping B orthogonal. */
interface OrthogonalRetraction {

    /**
     * @param b       the basis, 'c'-ordered n x n in compute precision, updated in place
     * @param k       the skew-symmetric step, dense 'f'-ordered n x n; its contents are consumed
     * @param scratch work arrays for this call
     */
    void retract(INDArray b, INDArray k, ScratchArrays scratch);
}

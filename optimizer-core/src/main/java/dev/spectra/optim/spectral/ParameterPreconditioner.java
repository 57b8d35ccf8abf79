package dev.spectra.optim.spectral;

import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The spectral state of one parameter: turns its gradient into a direction and learns curvature. */
interface ParameterPreconditioner {

    /** State-kind tag written to exports ({@code kron}, {@code full}, {@code diag}). */
    String kind();

    /**
     * Replaces the gradient in {@code g} (compute precision; an n x m 'c' matrix for Kronecker
     * state, the flat vector otherwise) by the preconditioned direction, and when {@code learn}
     * also updates the curvature from this gradient.
     */
    void step(INDArray g, long step, boolean learn, ScratchArrays scratch);

    /** Optimizer step of the last curvature update (0 = never). */
    long lastCurvatureUpdate();

    long stateBytes();
}

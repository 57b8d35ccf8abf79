package dev.spectra.optim.spectral;

import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A (flattened) parameter preconditioned by the full-matrix scheme, curvature {@code g g^T}:
 * direction {@code B (d + lambda)^(-1/p) B^T g} with the factors from before this step, then the
 * rank-one curvature step. Eigenvalues use the first-order form (the outer product is PSD) and
 * start at {@code mean(g^2)} of the first gradient, like the other spectral states.
 */
final class FullVectorSpectral implements ParameterPreconditioner {

    static final String KIND = "full";

    private final FullMatrixSpectral scheme;
    private long lastUpdate;

    FullVectorSpectral(FullMatrixSpectral scheme, long lastUpdate) {
        this.scheme = scheme;
        this.lastUpdate = lastUpdate;
    }

    static FullVectorSpectral initial(INDArray firstGradient, SpectralSettings s, ScratchArrays scratch) {
        FullMatrixSpectral scheme = FullMatrixSpectral.identity((int) firstGradient.length(), s,
                FullMatrixSpectral.EigenvalueStep.LINEAR);
        scheme.setIsotropic(DiagonalSpectral.initialScale(firstGradient, s.damping()), scratch);
        return new FullVectorSpectral(scheme, 0);
    }

    FullMatrixSpectral scheme() {
        return scheme;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long lastCurvatureUpdate() {
        return lastUpdate;
    }

    @Override
    public void step(INDArray g, long step, boolean learn, ScratchArrays scratch) {
        INDArray sample = null;
        if (learn) {
            double norm = g.norm2Number().doubleValue();
            if (Double.isFinite(norm)) {
                sample = scratch.acquire(g.dataType(), 'f', g.length(), 1);
                sample.assign(g.reshape(g.length(), 1));
            }
        }
        scheme.precondition(g, g, scratch);
        if (sample != null) {
            scheme.updateFromSamples(sample, 1.0, scratch);
            lastUpdate = step;
        }
    }

    @Override
    public long stateBytes() {
        return scheme.factor().bytes();
    }
}

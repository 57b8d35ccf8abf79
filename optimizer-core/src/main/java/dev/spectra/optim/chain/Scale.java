package dev.spectra.optim.chain;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multiplies the update by a constant. Used to give a routed group its own learning rate relative
 * to the chain's (Muon's auxiliary AdamW runs at {@code adamLr / lr} of Muon's rate), so that one
 * schedule still scales both groups together.
 */
public final class Scale implements UpdateTransform {

    private final double factor;

    public Scale(double factor) {
        this.factor = factor;
    }

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        if (factor != 1.0) {
            update.muli(factor);
        }
    }
}

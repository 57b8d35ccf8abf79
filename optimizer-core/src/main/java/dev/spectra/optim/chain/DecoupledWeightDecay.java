package dev.spectra.optim.chain;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decoupled weight decay (Loshchilov and Hutter): adds {@code coefficient * w} to the
 * preconditioned update, so after scaling by the learning rate {@code w <- w - lr (u + c w)}.
 * The decay is not preconditioned, which is the point of "decoupled".
 */
public final class DecoupledWeightDecay implements UpdateTransform {

    private final double coefficient;
    private final boolean decayVectors;

    /**
     * @param decayVectors whether biases and other vector parameters decay too (PyTorch's AdamW
     *                     decays everything; many recipes exclude vectors)
     */
    public DecoupledWeightDecay(double coefficient, boolean decayVectors) {
        this.coefficient = coefficient;
        this.decayVectors = decayVectors;
    }

    @Override
    public String name() {
        return "weight-decay";
    }

    @Override
    public void apply(ParamContext ctx, INDArray update) {
        if (coefficient == 0 || (!decayVectors && !ctx.layout().isMatrix())) {
            return;
        }
        INDArray p = ctx.param();
        if (p.dataType() != update.dataType() || p.ordering() != update.ordering()) {
            INDArray cast = ctx.scratch().acquire(update.dataType(), update.ordering(), update.shape());
            cast.assign(p);
            p = cast;
        }
        Nd4j.getBlasWrapper().level1().axpy(update.length(), coefficient, p, update);
    }
}

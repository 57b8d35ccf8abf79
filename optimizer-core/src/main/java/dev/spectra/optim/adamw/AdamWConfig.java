package dev.spectra.optim.adamw;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.chain.DecoupledWeightDecay;
import dev.spectra.optim.chain.TransformChain;
import dev.spectra.optim.config.Checks;
import java.util.List;

/**
 * AdamW: bias-corrected Adam moments with decoupled weight decay.
 *
 * @param lr           base learning rate
 * @param beta1        first-moment decay, in [0, 1)
 * @param beta2        second-moment decay, in [0, 1)
 * @param eps          added to the root of the second moment, > 0
 * @param weightDecay  decoupled decay coefficient, >= 0
 * @param decayVectors whether vector parameters (biases) decay too
 * @param stateDtype   precision of the moments
 */
public record AdamWConfig(double lr, double beta1, double beta2, double eps, double weightDecay,
                          boolean decayVectors, StateDtype stateDtype) implements OptimizerConfig {

    public static final String TYPE = "adamw";

    public AdamWConfig {
        Checks.of(TYPE)
                .positive("lr", lr)
                .closedOpen("beta1", beta1, 0, 1)
                .closedOpen("beta2", beta2, 0, 1)
                .positive("eps", eps)
                .nonNegative("weightDecay", weightDecay)
                .notNull("stateDtype", stateDtype)
                .throwIfAny();
    }

    public static AdamWConfig defaults() {
        return new AdamWConfig(1e-3, 0.9, 0.999, 1e-8, 0.0, true, StateDtype.FLOAT32);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Optimizer create() {
        return new TransformChain(this, List.of(
                new AdamScaling(beta1, beta2, eps, stateDtype),
                new DecoupledWeightDecay(weightDecay, decayVectors)));
    }

    public AdamWConfig withLr(double v) {
        return new AdamWConfig(v, beta1, beta2, eps, weightDecay, decayVectors, stateDtype);
    }

    public AdamWConfig withWeightDecay(double v) {
        return new AdamWConfig(lr, beta1, beta2, eps, v, decayVectors, stateDtype);
    }

    public AdamWConfig withStateDtype(StateDtype v) {
        return new AdamWConfig(lr, beta1, beta2, eps, weightDecay, decayVectors, v);
    }
}

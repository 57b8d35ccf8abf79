package dev.spectra.optim.shampoo;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.adamw.AdamScaling;
import dev.spectra.optim.chain.DecoupledWeightDecay;
import dev.spectra.optim.chain.Grafting;
import dev.spectra.optim.chain.Momentum;
import dev.spectra.optim.chain.TransformChain;
import dev.spectra.optim.chain.UpdateTransform;
import dev.spectra.optim.config.Checks;
import java.util.ArrayList;
import java.util.List;

/**
 * Shampoo with EMA Kronecker factors, eigendecomposition roots, optional layer-wise grafting,
 * momentum on the preconditioned direction and decoupled weight decay. The chain is
 * {@code [grafted Shampoo, momentum, weight decay]}.
 *
 * @param lr                    base learning rate (with Adam grafting, an Adam-sized rate)
 * @param beta1                 momentum on the (grafted) direction, in [0, 1); an EMA (dampened)
 * @param nesterov              Nesterov momentum
 * @param beta2                 EMA decay of the factor statistics, in (0, 1]; 1 = running sum
 * @param epsilon               damping added to the factors' eigenvalues, > 0
 * @param rootExponent          p of the inverse root L^(-1/p), R^(-1/p) (4 = Shampoo), > 0
 * @param preconditionFrequency recompute the inverse roots every this many steps (from step 1)
 * @param maxFactorSize         sides longer than this get a diagonal factor
 * @param grafting              where the per-layer step norm comes from: none | adam | sgd
 * @param graftingBeta2         second-moment decay of Adam grafting, in [0, 1)
 * @param graftingEps           epsilon of Adam grafting, > 0
 * @param weightDecay           decoupled weight decay, >= 0
 * @param decayVectors          whether biases decay too
 * @param stateDtype            storage precision of factors, roots and moments; the
 *                              eigendecomposition always runs in fp32 (fp64 for float64 state)
 */
public record ShampooConfig(double lr, double beta1, boolean nesterov, double beta2, double epsilon,
                            double rootExponent, int preconditionFrequency, int maxFactorSize,
                            GraftingType grafting, double graftingBeta2, double graftingEps,
                            double weightDecay, boolean decayVectors, StateDtype stateDtype)
        implements OptimizerConfig {

    public static final String TYPE = "shampoo";

    /** Where a grafted step takes its norm from. */
    public enum GraftingType { NONE, ADAM, SGD;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ShampooConfig {
        Checks.of(TYPE)
                .positive("lr", lr)
                .closedOpen("beta1", beta1, 0, 1)
                .openClosed("beta2", beta2, 0, 1)
                .positive("epsilon", epsilon)
                .positive("rootExponent", rootExponent)
                .positive("preconditionFrequency", preconditionFrequency)
                .positive("maxFactorSize", maxFactorSize)
                .notNull("grafting", grafting)
                .closedOpen("graftingBeta2", graftingBeta2, 0, 1)
                .positive("graftingEps", graftingEps)
                .nonNegative("weightDecay", weightDecay)
                .notNull("stateDtype", stateDtype)
                .throwIfAny();
    }

    public static ShampooConfig defaults() {
        return new ShampooConfig(1e-3, 0.9, false, 0.999, 1e-8, 4.0, 10, 1024,
                GraftingType.ADAM, 0.999, 1e-8, 0.0, true, StateDtype.FLOAT32);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Optimizer create() {
        ShampooPreconditioner shampoo = new ShampooPreconditioner(beta2, epsilon, rootExponent,
                preconditionFrequency, maxFactorSize, stateDtype);
        List<UpdateTransform> chain = new ArrayList<>();
        chain.add(switch (grafting) {
            case NONE -> shampoo;
            case ADAM -> new Grafting(shampoo, new AdamScaling(0.0, graftingBeta2, graftingEps, stateDtype));
            case SGD -> new Grafting(shampoo, null);
        });
        chain.add(new Momentum(beta1, nesterov, true, stateDtype));
        chain.add(new DecoupledWeightDecay(weightDecay, decayVectors));
        return new TransformChain(this, chain);
    }
}

package dev.spectra.optim.soap;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.chain.DecoupledWeightDecay;
import dev.spectra.optim.chain.TransformChain;
import dev.spectra.optim.config.Checks;
import java.util.List;

/**
 * SOAP: Adam in Shampoo's eigenbasis, with decoupled weight decay. Defaults follow the official
 * implementation (lr 3e-3, betas 0.95/0.95, shampoo beta = beta2, eps 1e-8, weight decay 0.01,
 * eigenbasis refresh every 10 steps, sides above 10000 unrotated).
 *
 * @param lr                    learning rate, > 0
 * @param beta1                 Adam's first-moment decay, in [0, 1)
 * @param beta2                 Adam's second-moment decay, in [0, 1)
 * @param shampooBeta           EMA decay of the Shampoo statistics L and R, in [0, 1)
 * @param eps                   Adam's epsilon, > 0
 * @param preconditionFrequency refresh the eigenbases every this many steps (power iteration + QR)
 * @param maxFactorSize         sides longer than this are not rotated
 * @param weightDecay           decoupled weight decay, >= 0
 * @param decayVectors          whether biases decay too
 * @param stateDtype            storage precision of statistics, bases and moments; the QR and the
 *                              first eigendecomposition always run in fp32 (fp64 for float64)
 */
public record SoapConfig(double lr, double beta1, double beta2, double shampooBeta, double eps,
                         int preconditionFrequency, int maxFactorSize, double weightDecay, boolean decayVectors,
                         StateDtype stateDtype) implements OptimizerConfig {

    public static final String TYPE = "soap";

    public SoapConfig {
        Checks.of(TYPE)
                .positive("lr", lr)
                .closedOpen("beta1", beta1, 0, 1)
                .closedOpen("beta2", beta2, 0, 1)
                .closedOpen("shampooBeta", shampooBeta, 0, 1)
                .positive("eps", eps)
                .positive("preconditionFrequency", preconditionFrequency)
                .positive("maxFactorSize", maxFactorSize)
                .nonNegative("weightDecay", weightDecay)
                .notNull("stateDtype", stateDtype)
                .throwIfAny();
    }

    public static SoapConfig defaults() {
        return new SoapConfig(3e-3, 0.95, 0.95, 0.95, 1e-8, 10, 10000, 0.01, true, StateDtype.FLOAT32);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Optimizer create() {
        return new TransformChain(this, List.of(
                new SoapPreconditioner(beta1, beta2, shampooBeta, eps, preconditionFrequency, maxFactorSize, stateDtype),
                new DecoupledWeightDecay(weightDecay, decayVectors)));
    }
}

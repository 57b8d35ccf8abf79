package dev.spectra.optim.muon;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.adamw.AdamScaling;
import dev.spectra.optim.chain.DecoupledWeightDecay;
import dev.spectra.optim.chain.Momentum;
import dev.spectra.optim.chain.RouteByLayout;
import dev.spectra.optim.chain.Scale;
import dev.spectra.optim.chain.TransformChain;
import dev.spectra.optim.config.Checks;
import java.util.List;

/**
 * Muon (Keller Jordan, 2024): for matrix parameters (dense and conv weights), momentum
 * orthogonalized by Newton-Schulz iterations and scaled by shape; vectors (biases) get AdamW at
 * their own learning rate. Matrix chain: {@code [momentum (EMA, Nesterov), Newton-Schulz, weight
 * decay]}; vector chain: {@code [Adam, weight decay, scale adamLr/lr]}.
 *
 * @param lr              Muon's learning rate ("spectral norm per step"), > 0
 * @param momentum        EMA momentum, in [0, 1)
 * @param nesterov        Nesterov momentum (Muon's default)
 * @param nsSteps         Newton-Schulz iterations, 1..20
 * @param nsCoefficients  muon (3.4445, -4.7750, 2.0315) | convergent (15/8, -10/8, 3/8)
 * @param shapeScale      spectral: sqrt(max(1, fanOut/fanIn)) | rms-match: 0.2 sqrt(max fan) | none
 * @param weightDecay     decoupled decay of matrices, >= 0
 * @param adamLr          learning rate of the AdamW used for vectors, > 0
 * @param adamBeta1       its first-moment decay, in [0, 1)
 * @param adamBeta2       its second-moment decay, in [0, 1)
 * @param adamEps         its epsilon, > 0
 * @param adamWeightDecay its decoupled decay, >= 0
 * @param stateDtype      storage precision of momentum and moments (products run in fp32/fp64)
 */
public record MuonConfig(double lr, double momentum, boolean nesterov, int nsSteps,
                         NewtonSchulzCoefficients nsCoefficients, ShapeScale shapeScale, double weightDecay,
                         double adamLr, double adamBeta1, double adamBeta2, double adamEps,
                         double adamWeightDecay, StateDtype stateDtype) implements OptimizerConfig {

    public static final String TYPE = "muon";

    public MuonConfig {
        Checks.of(TYPE)
                .positive("lr", lr)
                .closedOpen("momentum", momentum, 0, 1)
                .positive("nsSteps", nsSteps)
                .atMost("nsSteps", nsSteps, 20)
                .notNull("nsCoefficients", nsCoefficients)
                .notNull("shapeScale", shapeScale)
                .nonNegative("weightDecay", weightDecay)
                .positive("adamLr", adamLr)
                .closedOpen("adamBeta1", adamBeta1, 0, 1)
                .closedOpen("adamBeta2", adamBeta2, 0, 1)
                .positive("adamEps", adamEps)
                .nonNegative("adamWeightDecay", adamWeightDecay)
                .notNull("stateDtype", stateDtype)
                .throwIfAny();
    }

    public static MuonConfig defaults() {
        return new MuonConfig(0.02, 0.95, true, 5, NewtonSchulzCoefficients.MUON, ShapeScale.SPECTRAL, 0.0,
                3e-4, 0.9, 0.95, 1e-10, 0.0, StateDtype.FLOAT32);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Optimizer create() {
        return new TransformChain(this, List.of(new RouteByLayout(
                List.of(new Momentum(momentum, nesterov, true, stateDtype),
                        new NewtonSchulzOrthogonalization(nsSteps, nsCoefficients, shapeScale),
                        new DecoupledWeightDecay(weightDecay, true)),
                List.of(new AdamScaling(adamBeta1, adamBeta2, adamEps, stateDtype),
                        new DecoupledWeightDecay(adamWeightDecay, true),
                        new Scale(adamLr / lr)))));
    }
}

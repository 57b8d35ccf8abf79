package dev.spectra.optim.spectral;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.chain.DecoupledWeightDecay;
import dev.spectra.optim.chain.Momentum;
import dev.spectra.optim.chain.TransformChain;
import java.util.List;

/**
 * The full-matrix spectral-factorized optimizer (algorithm.md section 2): every parameter,
 * flattened to a vector, is preconditioned by {@code S^(-1/p)} with {@code S = B Diag(d) B^T}
 * learned from {@code g g^T} without decompositions; parameters longer than maxFactorSize use the
 * diagonal case. Meant for small models, vector-heavy problems and as the reference point for
 * kron-spectral. Fields mean what they mean in {@link KronSpectralConfig} (maxFactorSize bounds
 * the flattened length here).
 */
public record FullSpectralConfig(double lr, double root, double beta2, double gamma, double damping,
                                 int curvatureInterval, double momentum, boolean nesterov, boolean dampenMomentum,
                                 double weightDecay, boolean decayVectors, double gapTolerance, double stepBound,
                                 Retraction retraction, int maxFactorSize, StateDtype stateDtype)
        implements OptimizerConfig {

    public static final String TYPE = "full-spectral";

    public FullSpectralConfig {
        SpectralConfigChecks.validate(TYPE, lr, root, beta2, gamma, damping, curvatureInterval, momentum, weightDecay,
                gapTolerance, stepBound, retraction, maxFactorSize, stateDtype);
    }

    public static FullSpectralConfig defaults() {
        return new FullSpectralConfig(1e-3, 2.0, 0.01, 1.0, 1e-12, 2, 0.9, false, true, 0.0, true, 1e-6, 0.3,
                Retraction.AUTO, 2048, StateDtype.FLOAT32);
    }

    @Override
    public String type() {
        return TYPE;
    }

    public SpectralSettings settings() {
        return new SpectralSettings(beta2, gamma, root, damping, curvatureInterval, gapTolerance, stepBound,
                retraction.resolve(stateDtype), maxFactorSize, stateDtype);
    }

    @Override
    public Optimizer create() {
        return new TransformChain(this, List.of(
                new SpectralPreconditioning(SpectralPreconditioning.Structure.FULL, settings()),
                new Momentum(momentum, nesterov, dampenMomentum, stateDtype),
                new DecoupledWeightDecay(weightDecay, decayVectors)));
    }
}

package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;

/**
 * The hyperparameters every spectral building block needs, resolved from a config record.
 *
 * @param beta2             curvature step size (the Riemannian step in local coordinates), in (0, 1]
 * @param gamma             1 = moving average (RMSprop-like), 0 = accumulation (AdaGrad-like);
 *                          values between give the fixed point E[H]/gamma
 * @param root              p of the preconditioner {@code S^(-1/p)}, any positive real
 * @param damping           lambda: added inside the root of the direction, and (Kronecker) to the
 *                          curvature so factors cannot collapse on rows that get no gradient
 * @param curvatureInterval T: curvature is learned every T steps, applied every step
 * @param gapTolerance      eps: rotations between eigenvalues closer than eps * max(d_i, d_j) are
 *                          skipped (the first-order step is undefined there)
 * @param stepBound         largest magnitude of any local-coordinate entry (rotation generator
 *                          entries and eigenvalue log-steps) in one update
 * @param retraction        the concrete retraction (never AUTO here)
 * @param maxFactorSize     sides (or full vectors) longer than this use a diagonal factor
 * @param stateDtype        storage precision of the state
 */
public record SpectralSettings(double beta2, double gamma, double root, double damping, int curvatureInterval,
                               double gapTolerance, double stepBound, Retraction retraction, int maxFactorSize,
                               StateDtype stateDtype) {

    public SpectralSettings {
        if (retraction == Retraction.AUTO) {
            retraction = retraction.resolve(stateDtype);
        }
    }

    /** Settings for using the building blocks directly (tests, the bench CLI). */
    public static SpectralSettings of(double beta2, double gamma, double root, Retraction retraction, StateDtype dtype) {
        return new SpectralSettings(beta2, gamma, root, 0.0, 1, 1e-6, 0.3, retraction, Integer.MAX_VALUE, dtype);
    }

    public SpectralSettings withDamping(double v) {
        return new SpectralSettings(beta2, gamma, root, v, curvatureInterval, gapTolerance, stepBound, retraction,
                maxFactorSize, stateDtype);
    }

    public SpectralSettings withStepBound(double v) {
        return new SpectralSettings(beta2, gamma, root, damping, curvatureInterval, gapTolerance, v, retraction,
                maxFactorSize, stateDtype);
    }

    public SpectralSettings withGapTolerance(double v) {
        return new SpectralSettings(beta2, gamma, root, damping, curvatureInterval, v, stepBound, retraction,
                maxFactorSize, stateDtype);
    }
}

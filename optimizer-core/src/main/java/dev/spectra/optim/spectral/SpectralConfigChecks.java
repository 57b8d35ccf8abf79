package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.config.Checks;

/** The validation both spectral configs share, so their messages stay identical. */
final class SpectralConfigChecks {

    private SpectralConfigChecks() {
    }

    static void validate(String type, double lr, double root, double beta2, double gamma, double damping,
                         int curvatureInterval, double momentum, double weightDecay, double gapTolerance,
                         double stepBound, Retraction retraction, int maxFactorSize, StateDtype stateDtype) {
        Checks c = Checks.of(type)
                .positive("lr", lr)
                .positive("root", root)
                .openClosed("beta2", beta2, 0, 1)
                .closed("gamma", gamma, 0, 1)
                .nonNegative("damping", damping)
                .positive("curvatureInterval", curvatureInterval)
                .closedOpen("momentum", momentum, 0, 1)
                .nonNegative("weightDecay", weightDecay)
                .nonNegative("gapTolerance", gapTolerance)
                .positive("stepBound", stepBound)
                .positive("maxFactorSize", maxFactorSize)
                .notNull("retraction", retraction)
                .notNull("stateDtype", stateDtype);
        if (retraction == Retraction.CAYLEY && stateDtype != null) {
            c.check(!stateDtype.isLowPrecision(), "retraction", retraction,
                    "cayley needs an LU solve, which the " + stateDtype + " state path does not run;"
                            + " use matmul-only or auto");
        }
        c.throwIfAny();
    }
}

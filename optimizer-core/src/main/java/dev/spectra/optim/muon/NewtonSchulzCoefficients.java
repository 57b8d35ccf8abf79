package dev.spectra.optim.muon;

import java.util.Locale;

/**
 * Coefficients (a, b, c) of the quintic {@code p(s) = a s + b s^3 + c s^5} iterated on the singular
 * values. {@link #MUON} is Muon's: steepest slope at 0, so five steps lift even tiny singular
 * values, at the price of not converging to 1 (they end roughly in [0.7, 1.2]).
 * {@link #CONVERGENT} satisfies p(1) = 1, p'(1) = 0, so singular values converge to exactly 1,
 * but small ones grow more slowly.
 */
public enum NewtonSchulzCoefficients {
    MUON(3.4445, -4.7750, 2.0315),
    CONVERGENT(15.0 / 8.0, -10.0 / 8.0, 3.0 / 8.0);

    private final double a;
    private final double b;
    private final double c;

    NewtonSchulzCoefficients(double a, double b, double c) {
        this.a = a;
        this.b = b;
        this.c = c;
    }

    public double a() {
        return a;
    }

    public double b() {
        return b;
    }

    public double c() {
        return c;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

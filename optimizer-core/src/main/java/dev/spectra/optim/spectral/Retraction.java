package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import java.util.Locale;

/** How a rotation step K (skew-symmetric) is turned into an orthogonal update of a basis B. */
public enum Retraction {
    /** {@code (I - K/2)^-1 (I + K/2)}: exactly orthogonal, one LAPACK LU solve. fp32/fp64 only. */
    CAYLEY,
    /**
     * {@code I + K + K^2/2} on a spectrally scaled K, then one Newton-Schulz polar step on B:
     * products only, so it is the low-precision path (no solve, no decomposition).
     */
    MATMUL_ONLY,
    /** Cayley for fp32/fp64 state, matmul-only for bf16/fp16 state. */
    AUTO;

    /** The concrete retraction for a state precision ({@link #AUTO} resolved). */
    public Retraction resolve(StateDtype dtype) {
        if (this != AUTO) {
            return this;
        }
        return dtype.isLowPrecision() ? MATMUL_ONLY : CAYLEY;
    }

    OrthogonalRetraction create() {
        return switch (this) {
            case CAYLEY -> new CayleyRetraction();
            case MATMUL_ONLY -> new PolarSeriesRetraction();
            case AUTO -> throw new IllegalStateException("resolve AUTO against the state dtype first");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

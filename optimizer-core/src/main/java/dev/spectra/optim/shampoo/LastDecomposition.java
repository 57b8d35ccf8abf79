package dev.spectra.optim.shampoo;

import dev.spectra.optim.state.OptimizerState;

/**
 * What the last decomposition of a factor found - its extreme eigenvalues (or estimates) and the
 * step it ran at - kept for {@link dev.spectra.optim.FactorDiagnostics} and carried through
 * export/import so diagnostics survive a resume.
 */
public final class LastDecomposition {

    private double minEigenvalue = Double.NaN;
    private double maxEigenvalue = Double.NaN;
    private long step;

    public void record(double min, double max, long atStep) {
        this.minEigenvalue = min;
        this.maxEigenvalue = max;
        this.step = atStep;
    }

    public double minEigenvalue() {
        return minEigenvalue;
    }

    public double maxEigenvalue() {
        return maxEigenvalue;
    }

    /** Optimizer step of the last decomposition; 0 = never. */
    public long step() {
        return step;
    }

    public void save(OptimizerState.Scope out, String key) {
        out.put(key + "-decomposedAt", step);
        out.put(key + "-minEig", minEigenvalue);
        out.put(key + "-maxEig", maxEigenvalue);
    }

    public void load(OptimizerState.Scope in, String key) {
        step = in.longValue(key + "-decomposedAt");
        minEigenvalue = in.doubleValue(key + "-minEig");
        maxEigenvalue = in.doubleValue(key + "-maxEig");
    }
}

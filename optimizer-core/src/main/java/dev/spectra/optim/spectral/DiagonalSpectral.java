package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The diagonal case of the spectral scheme (B = I) for a vector parameter: an any-root RMSprop,
 * {@code d <- (1 - beta2 gamma) d + beta2 g^2} (first-order form, the gradient outer product
 * being PSD) and direction {@code g (d + lambda)^(-1/p)}. Like the Kronecker state it
 * preconditions with d from before this step's update and starts isotropic at
 * {@code d = mean(g^2)} of the first gradient, so the first direction is {@code g / rms(g)} (p = 2).
 */
final class DiagonalSpectral implements ParameterPreconditioner {

    static final String KIND = "diag";

    private final SpectralSettings s;
    private final SpectralFactor factor;
    private final double[] next;
    private long lastUpdate;

    DiagonalSpectral(SpectralFactor factor, SpectralSettings s, long lastUpdate) {
        this.s = s;
        this.factor = factor;
        this.next = new double[factor.size()];
        this.lastUpdate = lastUpdate;
    }

    static DiagonalSpectral initial(INDArray firstGradient, SpectralSettings s, ScratchArrays scratch) {
        int n = (int) firstGradient.length();
        StateDtype dt = s.stateDtype();
        SpectralFactor f = SpectralFactor.identity(n, true, dt);
        f.setIsotropic(initialScale(firstGradient, s.damping()), scratch);
        return new DiagonalSpectral(f, s, 0);
    }

    /** mean(g^2) + lambda, or 1 when that is 0 or not finite. */
    static double initialScale(INDArray g, double damping) {
        double norm = g.norm2Number().doubleValue();
        double ms = norm * norm / g.length() + damping;
        return ms > 0 && Double.isFinite(ms) ? ms : 1.0;
    }

    SpectralFactor factor() {
        return factor;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long lastCurvatureUpdate() {
        return lastUpdate;
    }

    @Override
    public void step(INDArray g, long step, boolean learn, ScratchArrays scratch) {
        double[] d = factor.eigenvalues(scratch);
        Cells gc = Cells.of(g);
        double beta2 = s.beta2();
        double keep = 1 - beta2 * s.gamma();
        boolean finite = true;
        for (int i = 0; i < d.length; i++) {
            double v = gc.get(i);
            next[i] = keep * d[i] + beta2 * v * v;
            finite &= Double.isFinite(next[i]);
            gc.set(i, v * InverseRoot.of(d[i] + s.damping(), s.root()));
        }
        if (learn && finite) {
            for (int i = 0; i < next.length; i++) {
                if (!(next[i] > 0)) {
                    next[i] = d[i] * Math.exp(-Math.min(s.stepBound(), beta2 * s.gamma()));
                }
            }
            factor.setEigenvalues(next, scratch);
            lastUpdate = step;
        }
    }

    @Override
    public long stateBytes() {
        return factor.bytes();
    }
}

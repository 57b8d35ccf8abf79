package dev.spectra.optim.spectral;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The full-matrix spectral scheme (algorithm.md section 2) for an n-dimensional quantity: a
 * curvature estimate kept as {@code S = B Diag(d) B^T} and updated from symmetric curvature H
 * without any decomposition:
 *
 * <pre>
 *   A   = B^T H B
 *   d  <- d .* exp(beta2 (diag(A) ./ d - gamma))        (or the first-order form, PSD H only)
 *   K_ij = -beta2 A_ij / (d_i - d_j)                     (skew; gap guard; entries clipped)
 *   B  <- B R(K)
 * </pre>
 *
 * Curvature can be given as the matrix H, already projected as A (lower triangle suffices), or
 * as a batch of vectors G with {@code H = w G G^T}, in which case H is never formed. Any root of
 * S is then free: {@link #precondition} applies {@code B (d + lambda)^(-1/p) B^T}.
 *
 * <p>A reusable building block: the full-spectral optimizer holds one per vector parameter, the
 * tests drive it directly against the default scheme, and the bench CLI can do the same.
 */
public final class FullMatrixSpectral {

    /** How the eigenvalues follow diag(A). */
    public enum EigenvalueStep {
        /** {@code d <- d exp(beta2 (A_ii/d_i - gamma))}: positive for any symmetric H. */
        EXPONENTIAL,
        /**
         * {@code d <- (1 - beta2 gamma) d + beta2 A_ii}: the first-order truncation, exactly the
         * default scheme's first-order eigenvalue update; only valid for positive semi-definite H.
         */
        LINEAR
    }

    private final int n;
    private final SpectralSettings settings;
    private final EigenvalueStep eigenvalueStep;
    private final SpectralFactor factor;
    private final OrthogonalRetraction retraction;
    private final double[] step;

    private FullMatrixSpectral(SpectralFactor factor, SpectralSettings settings, EigenvalueStep eigenvalueStep) {
        this.n = factor.size();
        this.settings = settings;
        this.eigenvalueStep = eigenvalueStep;
        this.factor = factor;
        this.retraction = settings.retraction().create();
        this.step = new double[n];
    }

    /** {@code S = I}: B = I, d = 1. */
    public static FullMatrixSpectral identity(int n, SpectralSettings settings, EigenvalueStep eigenvalueStep) {
        return new FullMatrixSpectral(SpectralFactor.identity(n, false, settings.stateDtype()), settings, eigenvalueStep);
    }

    static FullMatrixSpectral restore(SpectralFactor factor, SpectralSettings settings, EigenvalueStep eigenvalueStep) {
        return new FullMatrixSpectral(factor, settings, eigenvalueStep);
    }

    public int size() {
        return n;
    }

    SpectralFactor factor() {
        return factor;
    }

    private DataType compute() {
        return settings.stateDtype().computeType();
    }

    /** Sets {@code S = value * I} keeping the basis (used to initialize from the first curvature). */
    public void setIsotropic(double value, ScratchArrays scratch) {
        factor.setIsotropic(value, scratch);
    }

    /** Sets d (all entries > 0), keeping the basis. */
    public void setEigenvalues(double[] values, ScratchArrays scratch) {
        if (values.length != n) {
            throw new IllegalArgumentException("expected " + n + " eigenvalues, got " + values.length);
        }
        for (double v : values) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("eigenvalues must be positive and finite, got " + v);
            }
        }
        factor.setEigenvalues(values.clone(), scratch);
    }

    /** One curvature step with a full symmetric matrix H (n x n). */
    public void updateFromCurvature(INDArray h, ScratchArrays scratch) {
        INDArray b = factor.basis(scratch);
        INDArray hb = scratch.acquire(compute(), 'f', n, n);
        INDArray a = scratch.acquire(compute(), 'f', n, n);
        INDArray hc = h.dataType() == compute() ? h : h.castTo(compute());
        Nd4j.gemm(hc, b, hb, false, false, 1.0, 0.0);
        Nd4j.gemm(b, hb, a, true, false, 1.0, 0.0);
        updateFromProjected(b, a, scratch);
    }

    /**
     * One curvature step with {@code H = weight * G G^T} for the columns of G (n x k): only
     * {@code Q = B^T G} (n x k) and its Gram matrix are formed.
     */
    public void updateFromSamples(INDArray g, double weight, ScratchArrays scratch) {
        INDArray b = factor.basis(scratch);
        long k = g.rank() == 1 ? 1 : g.size(1);
        INDArray g2 = g.rank() == 1 ? g.reshape(n, 1) : g;
        INDArray gc = g2.dataType() == compute() ? g2 : g2.castTo(compute());
        INDArray q = scratch.acquire(compute(), 'f', n, k);
        Nd4j.gemm(b, gc, q, true, false, 1.0, 0.0);
        INDArray a = scratch.acquire(compute(), 'f', n, n);
        DenseLinearAlgebra.symmetricProductLower(q, false, weight, 0.0, a);
        updateFromProjected(b, a, scratch);
    }

    /** One curvature step with {@code A = B^T H B} given directly ('f'-ordered; lower triangle read). */
    public void updateFromProjected(INDArray a, ScratchArrays scratch) {
        updateFromProjected(factor.basis(scratch), a, scratch);
    }

    private void updateFromProjected(INDArray b, INDArray a, ScratchArrays scratch) {
        INDArray af = a.ordering() == 'f' && a.dataType() == compute() && !a.isView() ? a : a.castTo(compute()).dup('f');
        double[] d = factor.eigenvalues(scratch);
        Cells ac = Cells.of(af);
        double beta2 = settings.beta2();
        double bound = settings.stepBound();
        // Eigenvalue step first into a work vector: it reads the old d, like the rotation below.
        for (int i = 0; i < n; i++) {
            double aii = ac.get(i * n + i);
            double next = eigenvalueStep == EigenvalueStep.LINEAR
                    ? (1 - beta2 * settings.gamma()) * d[i] + beta2 * aii : 0;
            if (eigenvalueStep == EigenvalueStep.LINEAR && next > 0) {
                step[i] = Math.log(next / d[i]);
            } else {
                double e = beta2 * (aii / d[i] - settings.gamma());
                step[i] = Math.max(-bound, Math.min(bound, e));
            }
        }
        factor.rotate(b, af, beta2, settings, retraction, scratch);
        factor.addToLogEigenvalues(step, false, scratch);
    }

    /**
     * {@code out = B ((d + lambda)^(-1/p) .* (B^T v))} for v of length n (or n x k columns); out
     * may be v itself.
     */
    public void precondition(INDArray v, INDArray out, ScratchArrays scratch) {
        INDArray b = factor.basis(scratch);
        double[] d = factor.eigenvalues(scratch);
        long k = v.length() / n;
        INDArray v2 = v.reshape('c', n, k);
        INDArray vc = v2.dataType() == compute() ? v2 : v2.castTo(compute());
        INDArray t = scratch.acquire(compute(), 'f', n, k);
        Nd4j.gemm(b, vc, t, true, false, 1.0, 0.0);
        Cells tc = Cells.of(t);
        for (int i = 0; i < n; i++) {
            double s = InverseRoot.of(d[i] + settings.damping(), settings.root());
            for (int j = 0; j < k; j++) {
                tc.set(j * n + i, tc.get(j * n + i) * s);
            }
        }
        INDArray r = scratch.acquire(compute(), 'c', n, k);
        Nd4j.gemm(b, t, r, false, false, 1.0, 0.0);
        out.assign(r.reshape(out.shape()));
    }

    /** {@code S = B Diag(d) B^T} as a new 'c'-ordered array in compute precision (tests, reports). */
    public INDArray covariance() {
        return factor.matrix();
    }

    /** A copy of d in ascending storage order (not sorted). */
    public double[] eigenvalues() {
        return factor.eigenvalues(new ScratchArrays()).clone();
    }

    /** A copy of B in compute precision. */
    public INDArray basis() {
        return factor.basis(new ScratchArrays()).dup('c');
    }

    public double orthogonalityError() {
        return factor.orthogonalityError();
    }
}

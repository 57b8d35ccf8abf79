package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.linalg.MatrixProducts;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Kronecker spectral scheme (algorithm.md section 3) for one n x m weight matrix:
 * {@code S = alpha (S_C kron S_K)} with {@code S_l = B_l Diag(d_l) B_l^T}, each of determinant 1
 * (sum log d_l = 0), and the scalar alpha carrying the scale.
 *
 * <p>Per step, with {@code Q = B_C^T G B_K} (the gradient in the joint eigenbasis):
 * <ul>
 *   <li>direction {@code P = B_C [Q ./ (alpha d_C d_K^T + lambda)^(1/p)] B_K^T} (4 products);</li>
 *   <li>every T steps, curvature learning from the same Q:
 *       {@code W_C = Q Diag(1/d_K) Q^T}, {@code W_K = Q^T Diag(1/d_C) Q} (one syrk each on a
 *       column/row-scaled copy of Q), {@code rho = sum Q_ij^2 / (d_C,i d_K,j)}, then for each side
 *       the mean-free eigenvalue log-step {@code beta2/(alpha k_l) (x_l - mean x_l)}, the rotation
 *       {@code K_l,ij = -beta2 W_l,ij / (alpha k_l (d_l,i - d_l,j))}, and
 *       {@code alpha <- (1 - beta2 gamma) alpha + beta2 rho / (n m)}.</li>
 * </ul>
 * The direction uses the factors from before this step's curvature update, so both share Q
 * (Shampoo-like staleness of at most T steps, and 4 fewer n^3 products per update). A step that
 * does not learn needs no Q: where the damped root factorizes (the damping correction changes no
 * entry by more than 2^-22 relative in fp32, below the cached path's own round-off) its direction
 * is {@code R_C G R_K} with the roots cached by {@link KroneckerRoots}, two products instead of four. Alpha uses
 * the first-order (linear) form allowed for positive semi-definite curvature: it adapts to a
 * jump in gradient scale at once instead of at most e^stepBound per update. A side longer than
 * maxFactorSize is diagonal (B = I, only d learned; no products on that side).
 *
 * <p>Initialization: B = I, d = 1, alpha = mean(G^2) + lambda of the first gradient (1 if that
 * is 0), so the first direction is G / rms(G) for p = 2: unit-scale like Adam's first step,
 * neither stalled nor exploding whatever the gradient's magnitude.
 */
final class KroneckerSpectral implements ParameterPreconditioner {

    static final String KIND = "kron";

    private final int n;
    private final int m;
    private final SpectralSettings s;
    private final OrthogonalRetraction retraction;
    private final SpectralFactor row;
    private final SpectralFactor col;
    private final CompensatedTensor logAlpha;
    private long lastUpdate;

    // Work vectors, allocated once per parameter.
    private final double[] diagRow;
    private final double[] diagCol;
    private final double[] rowRoot;
    private final double[] rowDamp;
    private final double[] colRoot;
    private final double[] colInv;
    /** Cached R_C, R_K for steps that do not learn (full-precision state only), else null. */
    private final KroneckerRoots roots;

    KroneckerSpectral(int n, int m, SpectralSettings s, SpectralFactor row, SpectralFactor col, CompensatedTensor logAlpha,
                      long lastUpdate) {
        this.n = n;
        this.m = m;
        this.s = s;
        this.retraction = s.retraction().create();
        this.row = row;
        this.col = col;
        this.logAlpha = logAlpha;
        this.lastUpdate = lastUpdate;
        this.diagRow = new double[n];
        this.diagCol = new double[m];
        this.rowRoot = new double[n];
        this.rowDamp = new double[n];
        this.colRoot = new double[m];
        this.colInv = new double[m];
        // Low-precision state exists to save memory: no fp32 n x n cache beside its bf16/fp16 bases.
        this.roots = s.stateDtype().isLowPrecision() ? null
                : KroneckerRoots.forInterval(n, m, !row.isDiagonal(), !col.isDiagonal(), s.curvatureInterval());
    }

    /** Fresh state for an n x m matrix: B = I, d = 1, alpha from the first gradient. */
    static KroneckerSpectral initial(int n, int m, INDArray firstGradient, SpectralSettings s) {
        StateDtype dt = s.stateDtype();
        double meanSquare = firstGradient.norm2Number().doubleValue();
        meanSquare = meanSquare * meanSquare / ((double) n * m) + s.damping();
        double alpha = meanSquare > 0 && Double.isFinite(meanSquare) ? meanSquare : 1.0;
        CompensatedTensor logAlpha = CompensatedTensor.filled(1, Math.log(alpha), dt);
        return new KroneckerSpectral(n, m, s,
                SpectralFactor.identity(n, n > s.maxFactorSize(), dt),
                SpectralFactor.identity(m, m > s.maxFactorSize(), dt), logAlpha, 0);
    }

    int rows() {
        return n;
    }

    int cols() {
        return m;
    }

    SpectralFactor rowFactor() {
        return row;
    }

    SpectralFactor colFactor() {
        return col;
    }

    long lastUpdate() {
        return lastUpdate;
    }

    CompensatedTensor logAlpha() {
        return logAlpha;
    }

    double alpha() {
        return Math.exp(logAlpha.load(new ScratchArrays()).getDouble(0));
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
        DataType ct = s.stateDtype().computeType();
        INDArray la = logAlpha.load(scratch);
        double alpha = Math.exp(la.getDouble(0));
        double[] dC = row.eigenvalues(scratch);
        double[] dK = col.eigenvalues(scratch);
        INDArray bC = row.basis(scratch);
        INDArray bK = col.basis(scratch);
        boolean fp64 = ct == DataType.DOUBLE;
        double dampingEffect = InverseRoot.kroneckerFactors(n, m, dC, dK, alpha, s.damping(), s.root(), rowRoot,
                rowDamp, colRoot, colInv);
        // The four-product path skips the correction only where it cannot change a value; the cached
        // roots cannot apply it at all, so they are used while it stays below their own round-off
        // difference from the four-product path (measured 4e-7 in fp32): 8 ulps of the correction.
        boolean damped = dampingEffect > (fp64 ? 0x1p-54 : 0x1p-25);
        boolean factorizes = dampingEffect <= (fp64 ? 0x1p-51 : 0x1p-22);
        // BLAS runs on the buffers: a gradient that is a strided view is worked on in a dense copy.
        INDArray dense = MatrixProducts.isDense(g) && g.dataType() == ct ? g : scratch.acquire(ct, 'f', n, m).assign(g);

        if (roots != null && !learn && factorizes) {
            // A step that does not learn needs no Q: two products with the cached roots.
            if (!roots.isValid()) {
                roots.rebuild(bC, rowRoot, bK, colRoot, scratch);
            }
            roots.apply(dense, bC, rowRoot, bK, colRoot, scratch);
        } else {
            INDArray q = scratch.acquire(ct, 'f', n, m);
            INDArray t = scratch.acquire(ct, 'f', n, m);
            transformToEigenbasis(dense, bC, bK, q, t);
            // Direction from the current factors, written over the gradient.
            InverseRoot.scaleKronecker(Cells.of(q), Cells.of(t), n, m, damped, s.root(), rowRoot, rowDamp, colRoot,
                    colInv);
            transformBack(t, bC, bK, dense, scratch);
            if (learn) {
                learn(q, t, alpha, dC, dK, bC, bK, la, scratch);
                lastUpdate = step;
                if (roots != null) {
                    roots.invalidate();
                }
            }
        }
        if (dense != g) {
            g.assign(dense);
        }
    }

    /** {@code q = B_C^T g B_K} ({@code t} is n x m work); a null basis is the identity. */
    private static void transformToEigenbasis(INDArray g, INDArray bC, INDArray bK, INDArray q, INDArray t) {
        if (bC != null && bK != null) {
            MatrixProducts.gemm(bC, true, g, false, 1.0, 0.0, t);
            MatrixProducts.gemm(t, false, bK, false, 1.0, 0.0, q);
        } else if (bC != null) {
            MatrixProducts.gemm(bC, true, g, false, 1.0, 0.0, q);
        } else if (bK != null) {
            MatrixProducts.gemm(g, false, bK, false, 1.0, 0.0, q);
        } else {
            q.assign(g);
        }
    }

    /** {@code out = B_C t B_K^T}. */
    private void transformBack(INDArray t, INDArray bC, INDArray bK, INDArray out, ScratchArrays scratch) {
        if (bC != null && bK != null) {
            INDArray u = scratch.acquire(t.dataType(), 'f', n, m);
            MatrixProducts.gemm(bC, false, t, false, 1.0, 0.0, u);
            MatrixProducts.gemm(u, false, bK, true, 1.0, 0.0, out);
        } else if (bC != null) {
            MatrixProducts.gemm(bC, false, t, false, 1.0, 0.0, out);
        } else if (bK != null) {
            MatrixProducts.gemm(t, false, bK, true, 1.0, 0.0, out);
        } else {
            out.assign(t);
        }
    }

    /** Curvature update from Q; {@code work} is an n x m buffer free for reuse. */
    private void learn(INDArray q, INDArray work, double alpha, double[] dC, double[] dK, INDArray bC, INDArray bK,
                       INDArray la, ScratchArrays scratch) {
        DataType ct = q.dataType();
        Cells qc = Cells.of(q);
        // Reuse the direction's work vectors: 1/d_C and 1/d_K.
        double[] invC = rowDamp;
        double[] invK = colInv;
        for (int i = 0; i < n; i++) {
            invC[i] = 1.0 / dC[i];
        }
        for (int j = 0; j < m; j++) {
            invK[j] = 1.0 / dK[j];
        }
        java.util.Arrays.fill(diagRow, 0);
        for (int j = 0; j < m; j++) {
            int base = j * n;
            double ik = invK[j];
            double acc = 0;
            for (int i = 0; i < n; i++) {
                double v = qc.get(base + i);
                double sq = v * v;
                diagRow[i] += sq * ik;
                acc += sq * invC[i];
            }
            diagCol[j] = acc;
        }
        double sumInvC = 0;
        double sumInvK = 0;
        double rho = 0;
        for (int i = 0; i < n; i++) {
            sumInvC += 1.0 / dC[i];
            rho += diagRow[i] / dC[i];
        }
        for (int j = 0; j < m; j++) {
            sumInvK += 1.0 / dK[j];
        }
        // Damping: the curvature is G G^T + lambda I, i.e. lambda * (I kron I) in the factors' terms.
        double lambda = s.damping();
        for (int i = 0; i < n; i++) {
            diagRow[i] += lambda * sumInvK;
        }
        for (int j = 0; j < m; j++) {
            diagCol[j] += lambda * sumInvC;
        }
        rho += lambda * sumInvC * sumInvK;
        if (!Double.isFinite(rho)) {
            return; // a NaN/Inf gradient must not poison the factors: skip this curvature update
        }

        double beta2 = s.beta2();
        double scaleRow = beta2 / (alpha * m);
        double scaleCol = beta2 / (alpha * n);
        Cells wc = Cells.of(work);
        if (bC != null) {
            // W_C = (Q Diag(d_K)^-1/2)(...)^T, lower triangle.
            for (int j = 0; j < m; j++) {
                double f = Math.sqrt(invK[j]);
                for (int i = 0; i < n; i++) {
                    wc.set(j * n + i, qc.get(j * n + i) * f);
                }
            }
            INDArray w = scratch.acquire(ct, 'f', n, n);
            DenseLinearAlgebra.symmetricProductLower(work, false, 1.0, 0.0, w);
            row.rotate(bC, w, scaleRow, s, retraction, scratch);
        }
        if (bK != null) {
            double[] rootInvC = rowRoot;
            for (int i = 0; i < n; i++) {
                rootInvC[i] = Math.sqrt(invC[i]);
            }
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < n; i++) {
                    wc.set(j * n + i, qc.get(j * n + i) * rootInvC[i]);
                }
            }
            INDArray w = scratch.acquire(ct, 'f', m, m);
            DenseLinearAlgebra.symmetricProductLower(work, true, 1.0, 0.0, w);
            col.rotate(bK, w, scaleCol, s, retraction, scratch);
        }
        row.addToLogEigenvalues(meanFreeLogStep(diagRow, dC, scaleRow), true, scratch);
        col.addToLogEigenvalues(meanFreeLogStep(diagCol, dK, scaleCol), true, scratch);

        double next = (1 - beta2 * s.gamma()) * alpha + beta2 * rho / ((double) n * m);
        if (!(next > 0) || !Double.isFinite(next)) {
            next = alpha; // a non-finite gradient must not poison the scale
        }
        la.putScalar(0, Math.log(next));
        logAlpha.store(la, scratch);
    }

    /** {@code e = clip(scale (x - mean x))} re-centred to mean 0, x = diag(W) ./ d; returned in place of diag. */
    private double[] meanFreeLogStep(double[] diag, double[] d, double scale) {
        int len = diag.length;
        double mean = 0;
        for (int i = 0; i < len; i++) {
            diag[i] /= d[i];
            mean += diag[i];
        }
        mean /= len;
        double bound = s.stepBound();
        double emean = 0;
        for (int i = 0; i < len; i++) {
            double e = scale * (diag[i] - mean);
            e = Math.max(-bound, Math.min(bound, e));
            diag[i] = e;
            emean += e;
        }
        emean /= len;
        for (int i = 0; i < len; i++) {
            diag[i] -= emean;
        }
        return diag;
    }

    @Override
    public long stateBytes() {
        return row.bytes() + col.bytes() + logAlpha.bytes();
    }
}

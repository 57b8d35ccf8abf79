package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One spectrally factorized SPD matrix {@code S = B Diag(d) B^T}: an orthogonal basis B and
 * eigenvalues d, or - for a diagonal factor - d alone with B = I implied.
 *
 * <p>Stored in the state precision: B ('c'-ordered n x n) and log d. Log d rather than d because
 * curvature spans many decades (gradient second moments of 1e-10 underflow fp16) while its log
 * is O(10), and because multiplicative updates {@code d <- d exp(e)} become additions. Work
 * vectors of length n are allocated once, so an update allocates no arrays.
 */
final class SpectralFactor {

    private final int n;
    private final StoredTensor basis;
    private final CompensatedTensor logD;
    private final double[] d;

    private SpectralFactor(int n, StoredTensor basis, CompensatedTensor logD) {
        this.n = n;
        this.basis = basis;
        this.logD = logD;
        this.d = new double[n];
    }

    /** {@code B = I}, {@code d = 1}. */
    static SpectralFactor identity(int n, boolean diagonal, StateDtype dtype) {
        StoredTensor b = diagonal ? null
                : new StoredTensor(Nd4j.eye(n).castTo(dtype.storageType()).dup('c'), dtype.computeType());
        return new SpectralFactor(n, b, CompensatedTensor.filled(n, 0.0, dtype));
    }

    /** Rebuilds a factor from exported tensors (cast to the state precision). */
    static SpectralFactor restore(INDArray basis, INDArray logD, INDArray logDResidual, StateDtype dtype) {
        int n = (int) logD.length();
        StoredTensor b = basis == null ? null
                : new StoredTensor(basis.castTo(dtype.storageType()).dup('c'), dtype.computeType());
        return new SpectralFactor(n, b, CompensatedTensor.of(logD, logDResidual, dtype));
    }

    int size() {
        return n;
    }

    boolean isDiagonal() {
        return basis == null;
    }

    /** Stored basis (null when diagonal) and log-eigenvalues, for export. */
    INDArray storedBasis() {
        return basis == null ? null : basis.storage();
    }

    INDArray storedLogEigenvalues() {
        return logD.storedHigh();
    }

    /** Rounding residual of the stored log-eigenvalues (low-precision state only, else null). */
    INDArray storedLogEigenvalueResidual() {
        return logD.storedLow();
    }

    long bytes() {
        return logD.bytes() + (basis == null ? 0 : basis.bytes());
    }

    /** Loads d = exp(log d) into the returned work vector (valid until the next call). */
    double[] eigenvalues(ScratchArrays scratch) {
        Cells c = Cells.of(logD.load(scratch));
        for (int i = 0; i < n; i++) {
            d[i] = Math.exp(c.get(i));
        }
        return d;
    }

    /** Sets every eigenvalue to {@code value} (isotropic initialization). */
    void setIsotropic(double value, ScratchArrays scratch) {
        INDArray w = logD.load(scratch);
        w.assign(Math.log(value));
        logD.store(w, scratch);
    }

    /**
     * {@code log d += e}; with {@code recenter}, log d is then shifted to mean exactly 0 (the
     * Kronecker determinant constraint, re-imposed so round-off cannot accumulate).
     */
    void addToLogEigenvalues(double[] e, boolean recenter, ScratchArrays scratch) {
        INDArray w = logD.load(scratch);
        Cells c = Cells.of(w);
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double v = c.get(i) + e[i];
            e[i] = v;
            mean += v;
        }
        mean = recenter ? mean / n : 0;
        for (int i = 0; i < n; i++) {
            c.set(i, e[i] - mean);
        }
        logD.store(w, scratch);
    }

    /** Replaces log d by {@code log(values)}. */
    void setEigenvalues(double[] values, ScratchArrays scratch) {
        INDArray w = logD.load(scratch);
        Cells c = Cells.of(w);
        for (int i = 0; i < n; i++) {
            c.set(i, Math.log(values[i]));
        }
        logD.store(w, scratch);
    }

    /** B in compute precision (the stored array itself for fp32/fp64); null when diagonal. */
    INDArray basis(ScratchArrays scratch) {
        return basis == null ? null : basis.load(scratch);
    }

    /**
     * Rotates B by the first-order eigenvector step for a symmetric matrix W expressed in the
     * current basis: {@code K_ij = -scale W_ij / (d_i - d_j)}, zero across gaps below the
     * tolerance, each entry clipped to the step bound, then {@code B <- B R(K)}. Uses the
     * eigenvalues from the last {@link #eigenvalues} call, i.e. the old ones.
     *
     * @param wLower 'f'-ordered n x n; only its lower triangle is read
     * @param b      this factor's basis as returned by {@link #basis}
     */
    void rotate(INDArray b, INDArray wLower, double scale, SpectralSettings s, OrthogonalRetraction retraction,
                ScratchArrays scratch) {
        INDArray k = scratch.acquire(wLower.dataType(), 'f', n, n);
        if (buildRotationGenerator(Cells.of(wLower), d, n, scale, s.gapTolerance(), s.stepBound(), Cells.of(k),
                retraction.preparedScale(), retraction.preparedDiagonal())) {
            retraction.retractPrepared(b, k, scratch);
            basis.store(b);
        }
    }

    /** Tile edge of the generator pass: a tile's mirrored (strided) writes stay in cache. */
    private static final int TILE = 64;

    /**
     * Fills {@code out = diagonal I + prepScale K} for the skew generator K (the form the retraction
     * consumes); returns false when K is entirely zero (nothing to rotate). Walks the lower
     * triangle in square tiles: each entry is written twice (K_ij and K_ji = -K_ij), and at
     * n ~ 1000 the mirrored column-stride writes of an untiled loop miss the cache every time.
     */
    static boolean buildRotationGenerator(Cells w, double[] d, int n, double scale, double gapTolerance,
                                          double bound, Cells out, double prepScale, double diagonal) {
        boolean any = false;
        for (int jb = 0; jb < n; jb += TILE) {
            int jEnd = Math.min(n, jb + TILE);
            for (int ib = jb; ib < n; ib += TILE) {
                int iEnd = Math.min(n, ib + TILE);
                for (int j = jb; j < jEnd; j++) {
                    double dj = d[j];
                    for (int i = Math.max(ib, j + 1); i < iEnd; i++) {
                        double di = d[i];
                        double gap = di - dj;
                        double v = 0;
                        if (Math.abs(gap) > gapTolerance * Math.max(di, dj)) {
                            v = -scale * w.get(j * n + i) / gap;
                            v = Math.max(-bound, Math.min(bound, v));
                            any |= v != 0;
                        }
                        out.set(j * n + i, prepScale * v);
                        out.set(i * n + j, -prepScale * v);
                    }
                }
            }
        }
        for (int j = 0; j < n; j++) {
            out.set(j * n + j, diagonal);
        }
        return any;
    }

    /** {@code B Diag(d) B^T} as a new 'c'-ordered compute-precision array (tests, reports). */
    INDArray matrix() {
        ScratchArrays scratch = new ScratchArrays();
        double[] values = eigenvalues(scratch);
        org.nd4j.linalg.api.buffer.DataType ct = logD.load(scratch).dataType();
        INDArray dv = Nd4j.createFromArray(values).castTo(ct);
        if (basis == null) {
            return Nd4j.diag(dv);
        }
        INDArray b = basis.load(scratch).dup('c');
        return Nd4j.gemm(b.mulRowVector(dv), b, false, true);
    }

    double orthogonalityError() {
        return basis == null ? 0.0 : DenseLinearAlgebra.orthogonalityError(basis.storage());
    }

    /** Smallest and largest eigenvalue, straight from storage (diagnostics, off the hot path). */
    double[] eigenvalueRange() {
        INDArray l = logD.load(new ScratchArrays()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        return new double[] {Math.exp(l.minNumber().doubleValue()), Math.exp(l.maxNumber().doubleValue())};
    }
}

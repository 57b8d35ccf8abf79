package dev.spectra.optim.spectral;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A small state tensor (log-eigenvalues, log alpha) kept in the storage precision as a pair
 * {@code value = hi + lo}, where {@code lo} holds the rounding residual of {@code hi}.
 *
 * <p>Why: in bf16 (8 significant bits) a log-scale of -8 has a spacing of 0.06, while one
 * curvature update moves it by about beta2 = 0.01, so a plainly rounded value never moves: the
 * scale alpha froze at its initial value and bf16 directions drifted 35% from fp32 in 500 steps.
 * The pair gives about 16 significant bits at twice the bytes of vectors that are O(n), against
 * the O(n^2) bases, so it costs nothing measurable. For fp32/fp64 state {@code lo} is absent.
 */
final class CompensatedTensor {

    private final StoredTensor hi;
    private final StoredTensor lo;

    private CompensatedTensor(StoredTensor hi, StoredTensor lo) {
        this.hi = hi;
        this.lo = lo;
    }

    /** A tensor of {@code length} entries equal to {@code value}. */
    static CompensatedTensor filled(long length, double value, StateDtype dtype) {
        INDArray h = Nd4j.valueArrayOf(new long[] {length}, value, dtype.computeType()).castTo(dtype.storageType());
        INDArray l = null;
        if (dtype.isLowPrecision()) {
            INDArray exact = Nd4j.valueArrayOf(new long[] {length}, value, dtype.computeType());
            l = exact.subi(h.castTo(dtype.computeType())).castTo(dtype.storageType());
        }
        return of(h, l, dtype);
    }

    /** From exported tensors ({@code lo} null for full-precision state). */
    static CompensatedTensor of(INDArray hi, INDArray lo, StateDtype dtype) {
        long n = hi.length();
        StoredTensor h = new StoredTensor(hi.castTo(dtype.storageType()).reshape(n).dup(), dtype.computeType());
        StoredTensor l = null;
        if (dtype.isLowPrecision()) {
            INDArray lv = lo == null ? Nd4j.zeros(dtype.storageType(), n) : lo.castTo(dtype.storageType()).reshape(n).dup();
            l = new StoredTensor(lv, dtype.computeType());
        }
        return new CompensatedTensor(h, l);
    }

    /** The value in compute precision (a scratch array for low precision, the storage otherwise). */
    INDArray load(ScratchArrays scratch) {
        INDArray w = hi.load(scratch);
        if (lo != null) {
            w.addi(lo.load(scratch));
        }
        return w;
    }

    /** Stores {@code w} (as returned by {@link #load}): hi = round(w), lo = round(w - hi). */
    void store(INDArray w, ScratchArrays scratch) {
        if (lo == null) {
            hi.store(w);
            return;
        }
        hi.store(w);
        INDArray residual = lo.load(scratch);
        residual.assign(hi.storage());
        residual.rsubi(w);
        lo.store(residual);
    }

    INDArray storedHigh() {
        return hi.storage();
    }

    /** The residual part for export; null for fp32/fp64 state. */
    INDArray storedLow() {
        return lo == null ? null : lo.storage();
    }

    long bytes() {
        return hi.bytes() + (lo == null ? 0 : lo.bytes());
    }

    long length() {
        return hi.storage().length();
    }
}

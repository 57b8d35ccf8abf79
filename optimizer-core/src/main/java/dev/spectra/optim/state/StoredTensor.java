package dev.spectra.optim.state;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A state tensor kept in its storage precision and worked on in its compute precision.
 *
 * <p>For fp32/fp64 state the two are the same array and {@link #load}/{@link #store} cost
 * nothing. For bf16/fp16 state, {@link #load} widens into a scratch buffer and {@link #store}
 * rounds back, so arithmetic never runs through ND4J's slow bf16 kernels and the persistent
 * footprint stays at 2 bytes per entry.
 */
public final class StoredTensor {

    private final INDArray storage;
    private final DataType computeType;

    public StoredTensor(INDArray storage, DataType computeType) {
        this.storage = storage;
        this.computeType = computeType;
    }

    /** The persistent array, in storage precision (for export and diagnostics). */
    public INDArray storage() {
        return storage;
    }

    public boolean widened() {
        return storage.dataType() != computeType;
    }

    /** The values in compute precision: the storage itself, or a scratch copy. */
    public INDArray load(ScratchArrays scratch) {
        if (!widened()) {
            return storage;
        }
        INDArray work = scratch.acquire(computeType, storage.ordering(), storage.shape());
        work.assign(storage);
        return work;
    }

    /** Writes {@code working} back (rounding to storage precision); a no-op when it is the storage. */
    public void store(INDArray working) {
        if (working != storage) {
            storage.assign(working);
        }
    }

    /**
     * Fails clearly when state restored for {@code parameter} does not fit the array it is applied
     * to (e.g. imported from another model): BLAS calls sized by the update would otherwise
     * read or write past the state buffer.
     */
    public StoredTensor requireShape(String parameter, long[] shape) {
        if (!java.util.Arrays.equals(storage.shape(), shape)) {
            throw new IllegalArgumentException("optimizer state for '" + parameter + "' has shape "
                    + java.util.Arrays.toString(storage.shape()) + " but the parameter has "
                    + java.util.Arrays.toString(shape) + " (state saved for another model?)");
        }
        return this;
    }

    public long bytes() {
        return storage.length() * storage.dataType().width();
    }
}

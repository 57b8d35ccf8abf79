package dev.spectra.optim.chain;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.TensorLayout;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a transform knows about the parameter it is updating.
 *
 * @param name    stable parameter name, the key of its state
 * @param param   the parameter values (read-only for transforms; the chain applies the update)
 * @param layout  vector or matrix view of the parameter
 * @param step    1-based index of the step being taken
 * @param scratch reusable work arrays, released after this parameter
 * @param dtype   the optimizer's state precision
 */
public record ParamContext(String name, INDArray param, TensorLayout layout, long step,
                           ScratchArrays scratch, StateDtype dtype) {

    public DataType computeType() {
        return dtype.computeType();
    }

    /**
     * The update as a {@code rows x cols} matrix view (no copy: update buffers are 'c'-ordered).
     * Rank-2 updates are returned as they are.
     */
    public INDArray matrixView(INDArray update) {
        if (update.rank() == 2 && update.size(0) == layout.rows() && update.size(1) == layout.cols()) {
            return update;
        }
        return update.reshape('c', layout.rows(), layout.cols());
    }

    /** The update as a flat vector view. */
    public INDArray vectorView(INDArray update) {
        // An explicit array: reshape('c', n) would bind to reshape(long, long) and give [99, n].
        return update.reshape('c', new long[] {update.length()});
    }
}

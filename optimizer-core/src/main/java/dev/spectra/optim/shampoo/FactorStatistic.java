package dev.spectra.optim.shampoo;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One side of a Shampoo-style Kronecker statistic for gradient matrices G (n x m): the moving
 * average of {@code G G^T} (row side, n x n) or {@code G^T G} (column side, m x m). Shampoo
 * inverts its root; SOAP diagonalizes it.
 *
 * <p>Dense statistics are 'f'-ordered because LAPACK consumes them. A diagonal statistic (the
 * fallback for long sides) keeps only the diagonal: a column [n, 1] on the row side, a row [1, m]
 * on the column side, so applying anything built from it is one broadcast multiply.
 */
public final class FactorStatistic {

    /** Which Gram matrix of G the statistic averages. */
    public enum Side { ROWS, COLS }

    private final Side side;
    private final boolean dense;
    private final int size;
    private final StoredTensor statistic;

    public FactorStatistic(Side side, boolean dense, int size, StateDtype dtype) {
        this.side = side;
        this.dense = dense;
        this.size = size;
        this.statistic = new StoredTensor(Nd4j.zeros(dtype.storageType(), shape()).dup('f'), dtype.computeType());
    }

    /** [size, size] when dense; otherwise the broadcastable diagonal shape of this side. */
    public long[] shape() {
        if (dense) {
            return new long[] {size, size};
        }
        return side == Side.ROWS ? new long[] {size, 1} : new long[] {1, size};
    }

    public Side side() {
        return side;
    }

    public boolean dense() {
        return dense;
    }

    public int size() {
        return size;
    }

    /** {@code stat <- decay * stat + weight * (G G^T | G^T G)} (only the diagonal when not dense). */
    public void accumulate(INDArray g, double decay, double weight, ScratchArrays scratch) {
        INDArray stat = statistic.load(scratch);
        if (dense) {
            // One gemm with beta = decay accumulates straight into the statistic.
            boolean rows = side == Side.ROWS;
            Nd4j.gemm(g, g, stat, !rows, rows, weight, decay);
        } else {
            INDArray sq = scratch.acquire(g.dataType(), g.ordering(), g.shape());
            sq.assign(g).muli(g);
            // Row (or column) sums of G o G as a product with a ones vector: no allocation.
            if (side == Side.ROWS) {
                Nd4j.gemm(sq, ones(scratch, g.dataType(), g.columns(), 1), stat, false, false, weight, decay);
            } else {
                Nd4j.gemm(ones(scratch, g.dataType(), 1, g.rows()), sq, stat, false, false, weight, decay);
            }
        }
        statistic.store(stat);
    }

    private static INDArray ones(ScratchArrays scratch, DataType type, long rows, long cols) {
        INDArray ones = scratch.acquire(type, 'f', rows, cols);
        ones.assign(1.0);
        return ones;
    }

    /** The statistic in compute precision (a scratch copy for low-precision storage). */
    public INDArray load(ScratchArrays scratch) {
        return statistic.load(scratch);
    }

    public long bytes() {
        return statistic.bytes();
    }

    public void save(OptimizerState.Scope out, String key) {
        out.put(key, statistic.storage());
    }

    public void load(OptimizerState.Scope in, String key) {
        statistic.storage().assign(in.tensor(key, shape()));
    }
}

package dev.spectra.optim.shampoo;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One side of Shampoo's Kronecker preconditioner for a gradient matrix G (n x m): the statistic
 * {@code L = E[G G^T]} (row side) or {@code R = E[G^T G]} (column side), kept as an exponential
 * moving average, and its damped inverse root {@code (L / c + eps I)^(-e)} recomputed on demand.
 *
 * <p>A dense factor stores the full side x side matrices, 'f'-ordered because LAPACK consumes them.
 * A diagonal factor (the fallback for sides longer than the maximum factor size, and Shampoo on
 * vectors) keeps only the diagonal of the statistic: a column [n, 1] on the row side, a row
 * [1, m] on the column side, so applying it is one broadcast multiply.
 *
 * <p>The eigendecomposition runs in the compute precision (fp32, or fp64 for fp64 state): LAPACK
 * has no bf16/fp16 {@code syevd}, so bf16 state means the statistic and root are <em>stored</em> in
 * bf16 and widened for every product and decomposition.
 */
final class ShampooFactor {

    enum Side { ROWS, COLS }

    private final Side side;
    private final boolean dense;
    private final int size;
    private final StoredTensor statistic;
    private final StoredTensor inverseRoot;
    private double minEigenvalue = Double.NaN;
    private double maxEigenvalue = Double.NaN;
    private long lastRootStep;

    private ShampooFactor(Side side, boolean dense, int size, StoredTensor statistic, StoredTensor inverseRoot) {
        this.side = side;
        this.dense = dense;
        this.size = size;
        this.statistic = statistic;
        this.inverseRoot = inverseRoot;
    }

    static ShampooFactor create(Side side, boolean dense, int size, StateDtype dtype) {
        long[] shape = shapeOf(side, dense, size);
        DataType storage = dtype.storageType();
        return new ShampooFactor(side, dense, size,
                new StoredTensor(Nd4j.zeros(storage, shape).dup('f'), dtype.computeType()),
                new StoredTensor(Nd4j.zeros(storage, shape).dup('f'), dtype.computeType()));
    }

    private static long[] shapeOf(Side side, boolean dense, int size) {
        if (dense) {
            return new long[] {size, size};
        }
        return side == Side.ROWS ? new long[] {size, 1} : new long[] {1, size};
    }

    boolean dense() {
        return dense;
    }

    int size() {
        return size;
    }

    Side side() {
        return side;
    }

    /** {@code stat <- decay * stat + weight * (G G^T | G^T G)} ({@code g} is the n x m gradient). */
    void accumulate(INDArray g, double decay, double weight, ScratchArrays scratch) {
        INDArray stat = statistic.load(scratch);
        if (dense) {
            // One gemm with beta = decay accumulates straight into the statistic.
            boolean rows = side == Side.ROWS;
            Nd4j.gemm(g, g, stat, !rows, rows, weight, decay);
        } else {
            INDArray sq = scratch.acquire(g.dataType(), g.ordering(), g.shape());
            sq.assign(g).muli(g);
            stat.muli(decay);
            // Row sums (or column sums) of G o G as a product with a ones vector: no allocation.
            if (side == Side.ROWS) {
                INDArray ones = ones(scratch, g.dataType(), g.columns(), 1);
                Nd4j.gemm(sq, ones, stat, false, false, weight, 1.0);
            } else {
                INDArray ones = ones(scratch, g.dataType(), 1, g.rows());
                Nd4j.gemm(ones, sq, stat, false, false, weight, 1.0);
            }
        }
        statistic.store(stat);
    }

    private static INDArray ones(ScratchArrays scratch, DataType type, long rows, long cols) {
        INDArray ones = scratch.acquire(type, 'f', rows, cols);
        ones.assign(1.0);
        return ones;
    }

    /**
     * Recomputes {@code (stat / biasCorrection + eps I)^(-exponent)}. Eigenvalues below zero
     * (round-off on a rank-deficient statistic) are clamped to zero before the damping, so the
     * root is always finite and positive definite.
     */
    void refreshRoot(double biasCorrection, double epsilon, double exponent, long step, ScratchArrays scratch) {
        INDArray stat = statistic.load(scratch);
        INDArray root = inverseRoot.load(scratch);
        DataType type = stat.dataType();
        if (dense) {
            INDArray vectors = scratch.acquire(type, 'f', size, size);
            vectors.assign(stat).muli(1.0 / biasCorrection);
            INDArray values = scratch.acquire(type, 'c', 1, size);
            DenseLinearAlgebra.symmetricEigen(vectors, values);
            minEigenvalue = values.getDouble(0);
            maxEigenvalue = values.getDouble(size - 1);
            Transforms.max(values, 0.0, false).addi(epsilon);
            Transforms.pow(values, -exponent, false);
            INDArray scaled = scratch.acquire(type, 'f', size, size);
            scaled.assign(vectors).muliRowVector(values);
            Nd4j.gemm(scaled, vectors, root, false, true, 1.0, 0.0);
        } else {
            root.assign(stat).muli(1.0 / biasCorrection);
            minEigenvalue = root.minNumber().doubleValue();
            maxEigenvalue = root.maxNumber().doubleValue();
            Transforms.max(root, 0.0, false).addi(epsilon);
            Transforms.pow(root, -exponent, false);
        }
        inverseRoot.store(root);
        lastRootStep = step;
    }

    /** {@code out = root * x} (row side) or {@code out = x * root} (column side). */
    void apply(INDArray x, INDArray out, ScratchArrays scratch) {
        INDArray root = inverseRoot.load(scratch);
        if (dense) {
            if (side == Side.ROWS) {
                Nd4j.gemm(root, x, out, false, false, 1.0, 0.0);
            } else {
                Nd4j.gemm(x, root, out, false, false, 1.0, 0.0);
            }
        } else if (side == Side.ROWS) {
            out.assign(x).muliColumnVector(root);
        } else {
            out.assign(x).muliRowVector(root);
        }
    }

    long lastRootStep() {
        return lastRootStep;
    }

    double minEigenvalue() {
        return minEigenvalue;
    }

    double maxEigenvalue() {
        return maxEigenvalue;
    }

    long bytes() {
        return statistic.bytes() + inverseRoot.bytes();
    }

    void save(OptimizerState.Scope out, String key) {
        out.put(key + "-stat", statistic.storage());
        out.put(key + "-root", inverseRoot.storage());
        out.put(key + "-lastRootStep", lastRootStep);
        out.put(key + "-minEig", minEigenvalue);
        out.put(key + "-maxEig", maxEigenvalue);
    }

    void load(OptimizerState.Scope in, String key) {
        long[] shape = shapeOf(side, dense, size);
        statistic.storage().assign(in.tensor(key + "-stat", shape));
        inverseRoot.storage().assign(in.tensor(key + "-root", shape));
        lastRootStep = in.longValue(key + "-lastRootStep");
        minEigenvalue = in.doubleValue(key + "-minEig");
        maxEigenvalue = in.doubleValue(key + "-maxEig");
    }
}

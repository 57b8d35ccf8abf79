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
 * Dense or diagonal like its {@link FactorStatistic} (diagonal: sides longer than the maximum
 * factor size, and Shampoo on vectors).
 *
 * <p>The eigendecomposition runs in the compute precision (fp32, or fp64 for fp64 state): LAPACK
 * has no bf16/fp16 {@code syevd}, so bf16 state means the statistic and root are <em>stored</em> in
 * bf16 and widened for every product and decomposition.
 */
final class ShampooFactor {

    private final FactorStatistic statistic;
    private final StoredTensor inverseRoot;
    private final LastDecomposition last = new LastDecomposition();

    ShampooFactor(FactorStatistic.Side side, boolean dense, int size, StateDtype dtype) {
        this.statistic = new FactorStatistic(side, dense, size, dtype);
        this.inverseRoot = new StoredTensor(Nd4j.zeros(dtype.storageType(), statistic.shape()).dup('f'),
                dtype.computeType());
    }

    boolean dense() {
        return statistic.dense();
    }

    int size() {
        return statistic.size();
    }

    void accumulate(INDArray g, double decay, double weight, ScratchArrays scratch) {
        statistic.accumulate(g, decay, weight, scratch);
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
        int size = statistic.size();
        if (statistic.dense()) {
            INDArray vectors = scratch.acquire(type, 'f', size, size);
            vectors.assign(stat).muli(1.0 / biasCorrection);
            INDArray values = scratch.acquire(type, 'c', 1, size);
            DenseLinearAlgebra.symmetricEigen(vectors, values);
            last.record(values.getDouble(0), values.getDouble(size - 1), step);
            Transforms.max(values, 0.0, false).addi(epsilon);
            Transforms.pow(values, -exponent, false);
            INDArray scaled = scratch.acquire(type, 'f', size, size);
            scaled.assign(vectors).muliRowVector(values);
            Nd4j.gemm(scaled, vectors, root, false, true, 1.0, 0.0);
        } else {
            root.assign(stat).muli(1.0 / biasCorrection);
            last.record(root.minNumber().doubleValue(), root.maxNumber().doubleValue(), step);
            Transforms.max(root, 0.0, false).addi(epsilon);
            Transforms.pow(root, -exponent, false);
        }
        inverseRoot.store(root);
    }

    /** {@code out = root * x} (row side) or {@code out = x * root} (column side). */
    void apply(INDArray x, INDArray out, ScratchArrays scratch) {
        INDArray root = inverseRoot.load(scratch);
        boolean rows = statistic.side() == FactorStatistic.Side.ROWS;
        if (statistic.dense()) {
            if (rows) {
                Nd4j.gemm(root, x, out, false, false, 1.0, 0.0);
            } else {
                Nd4j.gemm(x, root, out, false, false, 1.0, 0.0);
            }
        } else if (rows) {
            out.assign(x).muliColumnVector(root);
        } else {
            out.assign(x).muliRowVector(root);
        }
    }

    LastDecomposition last() {
        return last;
    }

    long bytes() {
        return statistic.bytes() + inverseRoot.bytes();
    }

    void save(OptimizerState.Scope out, String key) {
        statistic.save(out, key + "-stat");
        out.put(key + "-root", inverseRoot.storage());
        last.save(out, key);
    }

    void load(OptimizerState.Scope in, String key) {
        statistic.load(in, key + "-stat");
        inverseRoot.storage().assign(in.tensor(key + "-root", statistic.shape()));
        last.load(in, key);
    }
}

package dev.spectra.optim.soap;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.shampoo.FactorStatistic;
import dev.spectra.optim.shampoo.LastDecomposition;
import dev.spectra.optim.state.OptimizerState;
import dev.spectra.optim.state.ScratchArrays;
import dev.spectra.optim.state.StoredTensor;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One side of SOAP's rotation: the Shampoo statistic ({@code E[G G^T]} for rows, {@code E[G^T G]}
 * for columns, EMA) and an orthogonal estimate Q of its eigenvectors, columns ordered by
 * decreasing eigenvalue. Q starts as an exact eigendecomposition and is refreshed by one power
 * iteration {@code L Q} followed by a QR (LAPACK geqrf/orgqr), as in the official SOAP; the
 * decompositions run in fp32 (fp64 for fp64 state) whatever the storage precision.
 */
final class SoapBasis {

    private final FactorStatistic statistic;
    private final int size;
    private final StoredTensor basis;
    private final LastDecomposition last = new LastDecomposition();

    SoapBasis(FactorStatistic.Side side, int size, StateDtype dtype) {
        this.statistic = new FactorStatistic(side, true, size, dtype);
        this.size = size;
        this.basis = new StoredTensor(Nd4j.zeros(dtype.storageType(), size, size).dup('f'), dtype.computeType());
    }

    int size() {
        return size;
    }

    /** {@code stat <- decay * stat + weight * (G G^T | G^T G)}. */
    void accumulate(INDArray g, double decay, double weight, ScratchArrays scratch) {
        statistic.accumulate(g, decay, weight, scratch);
    }

    /** Sets Q to the exact eigenvectors of the statistic, by decreasing eigenvalue (SOAP's first step). */
    void initialize(long step, ScratchArrays scratch) {
        INDArray stat = statistic.load(scratch);
        INDArray vectors = scratch.acquire(stat.dataType(), 'f', size, size);
        vectors.assign(stat);
        INDArray values = scratch.acquire(stat.dataType(), 'c', size);
        DenseLinearAlgebra.symmetricEigen(vectors, values);
        int[] descending = IntStream.range(0, size).map(i -> size - 1 - i).toArray();
        last.record(values.getDouble(0), values.getDouble(size - 1), step);
        INDArray sorted = scratch.acquire(stat.dataType(), 'f', size, size);
        Permutations.columns(vectors, descending, sorted);
        basis.store(storeInto(scratch, sorted));
    }

    private INDArray storeInto(ScratchArrays scratch, INDArray value) {
        INDArray q = basis.load(scratch);
        q.assign(value);
        return q;
    }

    /**
     * One power iteration and a QR: estimates the eigenvalues as {@code diag(Q^T L Q)}, reorders Q's
     * columns by decreasing estimate, and sets {@code Q <- qr(L Q)}. Returns the permutation
     * applied ({@code new column i = old column perm[i]}), which the caller applies to the second
     * moment so each entry stays with its direction.
     */
    int[] refresh(long step, ScratchArrays scratch) {
        INDArray stat = statistic.load(scratch);
        INDArray q = basis.load(scratch);
        INDArray power = scratch.acquire(stat.dataType(), 'f', size, size);
        Nd4j.gemm(stat, q, power, false, false, 1.0, 0.0);
        INDArray product = scratch.acquire(stat.dataType(), 'f', size, size);
        product.assign(q).muli(power);
        double[] estimates = product.sum(0).toDoubleVector();
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> estimates[i]).reversed());
        int[] perm = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        last.record(estimates[perm[size - 1]], estimates[perm[0]], step);
        INDArray sorted = scratch.acquire(stat.dataType(), 'f', size, size);
        Permutations.columns(power, perm, sorted);
        DenseLinearAlgebra.orthonormalizeColumns(sorted);
        q.assign(sorted);
        basis.store(q);
        return perm;
    }

    /** The basis in compute precision (a scratch copy for low-precision storage). */
    INDArray load(ScratchArrays scratch) {
        return basis.load(scratch);
    }

    INDArray storedBasis() {
        return basis.storage();
    }

    /** Extreme eigenvalues (exact at the first step, diag(Q^T L Q) estimates after) and when. */
    LastDecomposition last() {
        return last;
    }

    long bytes() {
        return statistic.bytes() + basis.bytes();
    }

    void save(OptimizerState.Scope out, String key) {
        statistic.save(out, key + "-stat");
        out.put(key + "-Q", basis.storage());
        last.save(out, key);
    }

    void load(OptimizerState.Scope in, String key) {
        statistic.load(in, key + "-stat");
        basis.storage().assign(in.tensor(key + "-Q", size, size));
        last.load(in, key);
    }
}

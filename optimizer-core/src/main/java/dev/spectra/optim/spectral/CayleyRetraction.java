package dev.spectra.optim.spectral;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Cayley retraction {@code R = (I - K/2)^-1 (I + K/2)}, exactly orthogonal for any skew K.
 *
 * <p>Written as {@code R = 2 (I - K/2)^-1 - I}, the update is {@code B <- 2 B (I - K/2)^-1 - B}.
 * {@code Y = B (I - K/2)^-1} solves {@code (I + K/2) Y^T = B^T} (K is skew), and the buffer of the
 * 'c'-ordered B read column-major is exactly {@code B^T}: so one LAPACK gesv on a copy of B's
 * buffer ({@link DenseLinearAlgebra#solveInPlace} on {@code y.transpose()}), about 2.7 n^3 flops,
 * with no transposed copies and no product with R; {@code I + K/2} arrives already formed by the
 * caller's generator pass ({@link #preparedScale}, {@link #preparedDiagonal}). {@code I + K/2} has all singular values >= 1, so the
 * solve is always well conditioned.
 *
 * <p>Exact in exact arithmetic only: fp32 round-off makes {@code ||B^T B - I||} random-walk
 * upwards (about 1e-4 after 1000 updates at n = 50). So after each update the column norms of B
 * are checked (O(n^2), deterministic, so resumed runs stay bit-identical) and, once their drift
 * suggests {@code ||B^T B - I||_F} above {@code 64 u sqrt(n)} (u the unit round-off; the
 * round-off floor of a stored orthogonal matrix is about {@code u sqrt(2n)}) and at least 1e-5
 * in fp32, one Newton-Schulz polar step squares the error away. In practice that is every few
 * hundred updates in fp32 and never in fp64.
 */
final class CayleyRetraction implements OrthogonalRetraction {

    private static final double UNIT_ROUNDOFF_FP32 = 0x1p-24;
    private static final double UNIT_ROUNDOFF_FP64 = 0x1p-53;

    private double[] columnNorms = new double[0];

    @Override
    public double preparedScale() {
        return 0.5;
    }

    @Override
    public double preparedDiagonal() {
        return 1.0;
    }

    /** {@code prepared} is {@code I + K/2}; it is overwritten by its LU factors. */
    @Override
    public void retractPrepared(INDArray b, INDArray prepared, ScratchArrays scratch) {
        int n = (int) b.rows();
        // Y^T = (I + K/2)^-1 B^T solved in a copy of B (gesv overwrites its right-hand side), then
        // B <- 2Y - B and the drift estimate in one pass over both buffers.
        INDArray y = scratch.acquire(b.dataType(), 'c', n, n);
        y.assign(b);
        DenseLinearAlgebra.solveInPlace(prepared, y.transpose());
        double drift = combineAndEstimateDrift(b, y, n);
        boolean fp64 = b.dataType() == DataType.DOUBLE;
        double limit = fp64 ? 64 * UNIT_ROUNDOFF_FP64 * Math.sqrt(n)
                : Math.max(1e-5, 64 * UNIT_ROUNDOFF_FP32 * Math.sqrt(n));
        if (drift > limit) {
            PolarSeriesRetraction.polarStep(b, scratch);
        }
    }

    /**
     * {@code b <- 2 y - b} ('c'-ordered n x n), returning {@code sqrt(n/2 * sum_i (||b_i||^2 - 1)^2)}
     * over the new columns: the diagonal of {@code B^T B - I} extrapolated to the whole matrix
     * (round-off drift spreads over the off-diagonal entries at a similar scale).
     */
    private double combineAndEstimateDrift(INDArray b, INDArray y, int n) {
        if (columnNorms.length < n) {
            columnNorms = new double[n];
        }
        java.util.Arrays.fill(columnNorms, 0, n, 0.0);
        Cells bc = Cells.of(b);
        Cells yc = Cells.of(y);
        for (int r = 0; r < n; r++) {
            int base = r * n;
            for (int j = 0; j < n; j++) {
                double v = 2 * yc.get(base + j) - bc.get(base + j);
                bc.set(base + j, v);
                double stored = bc.get(base + j); // the rounded value is what drifts
                columnNorms[j] += stored * stored;
            }
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double e = columnNorms[j] - 1;
            sum += e * e;
        }
        return Math.sqrt(0.5 * n * sum);
    }
}

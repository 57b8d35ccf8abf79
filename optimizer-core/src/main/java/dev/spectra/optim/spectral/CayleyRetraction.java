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
 * suggests {@code ||B^T B - I||_F} above {@link #driftLimit} (u the unit round-off; the
 * round-off floor of a stored orthogonal matrix is about {@code u sqrt(2n)}), one Newton-Schulz
 * polar step squares the error away. In practice that is every few hundred updates in fp32 at
 * small n, every few dozen at n ~ 1000, and never in fp64.
 */
final class CayleyRetraction implements OrthogonalRetraction {

    private static final double UNIT_ROUNDOFF_FP32 = 0x1p-24;
    private static final double UNIT_ROUNDOFF_FP64 = 0x1p-53;

    private double[] columnNorms = new double[0];
    private long polarSteps;

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
        if (drift > driftLimit(n, b.dataType() == DataType.DOUBLE)) {
            PolarSeriesRetraction.polarStep(b, scratch);
            polarSteps++;
        }
    }

    /** Polar steps taken so far (tests). */
    long polarSteps() {
        return polarSteps;
    }

    /**
     * The estimated {@code ||B^T B - I||_F} above which one polar step is taken: the largest of
     * {@code 64 u sqrt(n)}, {@code u n^(3/2)} and (fp32) 1e-5. A single fp32 Cayley solve leaves an
     * error growing like {@code u n} (measured 1.3e-5, 2.7e-5, 6.2e-5, 1.2e-4 at n = 128, 256, 512,
     * 1024; 1.8e-4 at the MLP's n = 784), so a limit of {@code 64 u sqrt(n)} alone would be passed by
     * every single update from n ~ 700 on and buy a polar step (a syrk and a product, more than the
     * solve) each time. With {@code u n^(3/2)} (about 7x one solve's error at n = 784, 16x at 1024;
     * the same limit as before below n = 64) only accumulated drift triggers it. That limit is a
     * spectral-norm error of about {@code 2 u n} (~1e-4 at n = 784) in the preconditioner.
     */
    static double driftLimit(int n, boolean fp64) {
        double u = fp64 ? UNIT_ROUNDOFF_FP64 : UNIT_ROUNDOFF_FP32;
        double limit = Math.max(64 * u * Math.sqrt(n), u * n * Math.sqrt(n));
        return fp64 ? limit : Math.max(1e-5, limit);
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

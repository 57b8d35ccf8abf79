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
 * 'c'-ordered B read column-major is exactly {@code B^T}: so one LAPACK gesv on B's own buffer
 * ({@link DenseLinearAlgebra#solveInPlace} on {@code b.transpose()}), about 2.7 n^3 flops, with no
 * transposed copies and no product with R. {@code I + K/2} has all singular values >= 1, so the
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
    public void retract(INDArray b, INDArray k, ScratchArrays scratch) {
        int n = (int) b.rows();
        INDArray old = scratch.acquire(b.dataType(), 'c', n, n);
        old.assign(b);
        // k becomes I + K/2 in place; the solve overwrites b's buffer with Y^T (column-major) = Y.
        k.muli(0.5);
        Cells m = Cells.of(k);
        for (int i = 0; i < n; i++) {
            m.set(i * n + i, 1.0);
        }
        DenseLinearAlgebra.solveInPlace(k, b.transpose());
        b.muli(2.0).subi(old);
        boolean fp64 = b.dataType() == DataType.DOUBLE;
        double limit = fp64 ? 64 * UNIT_ROUNDOFF_FP64 * Math.sqrt(n)
                : Math.max(1e-5, 64 * UNIT_ROUNDOFF_FP32 * Math.sqrt(n));
        if (estimatedDrift(b, n) > limit) {
            PolarSeriesRetraction.polarStep(b, scratch);
        }
    }

    /**
     * {@code sqrt(n/2 * sum_i (||b_i||^2 - 1)^2)}: the diagonal of {@code B^T B - I} extrapolated to
     * the whole matrix (round-off drift spreads over the off-diagonal entries at a similar scale).
     */
    private double estimatedDrift(INDArray b, int n) {
        if (columnNorms.length < n) {
            columnNorms = new double[n];
        }
        java.util.Arrays.fill(columnNorms, 0, n, 0.0);
        Cells c = Cells.of(b);
        for (int r = 0; r < n; r++) {
            int base = r * n;
            for (int j = 0; j < n; j++) {
                double v = c.get(base + j);
                columnNorms[j] += v * v;
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

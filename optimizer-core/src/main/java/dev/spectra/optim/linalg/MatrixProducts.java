package dev.spectra.optim.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BLAS level-3 products ({@code gemm}, {@code symm}) called straight on the buffers of dense
 * fp32/fp64 arrays, for the optimizers' hot paths.
 *
 * <p>Why not {@code Nd4j.gemm}: on small and mid-sized matrices its op dispatch, ordering checks
 * and the copies it makes when operand orderings differ cost as much as the product itself (the
 * spectral step on the MLP's layers is a handful of such products per parameter). Here an array
 * of either ordering is passed as it is: the buffer of a 'c'-ordered r x c array read column-major
 * is its transpose, so the ordering is folded into the BLAS transpose flags, and a 'c'-ordered
 * result is computed as the transposed product. Nothing is allocated.
 */
public final class MatrixProducts {

    private static final int COL_MAJOR = 102;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final int LOWER = 122;
    private static final int LEFT = 141;
    private static final int RIGHT = 142;

    private MatrixProducts() {
    }

    /**
     * {@code c <- alpha op(a) op(b) + beta c}, op = transpose when the flag is set. All three dense
     * (offset 0, own buffer), same dtype (fp32 or fp64), any ordering each.
     */
    public static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha, double beta,
                            INDArray c) {
        DataType t = requireDense(c, null, "gemm result");
        requireDense(a, t, "gemm first operand");
        requireDense(b, t, "gemm second operand");
        long m = transA ? a.columns() : a.rows();
        long k = transA ? a.rows() : a.columns();
        long kb = transB ? b.columns() : b.rows();
        long n = transB ? b.rows() : b.columns();
        if (k != kb || c.rows() != m || c.columns() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: op(a) " + m + "x" + k + ", op(b) " + kb
                    + "x" + n + ", c " + c.rows() + "x" + c.columns());
        }
        if (c.ordering() == 'c') {
            // C^T = op(b)^T op(a)^T, and the buffer of a 'c'-ordered C is C^T column-major.
            call(t, b, !transB, a, !transA, (int) n, (int) m, (int) k, alpha, beta, c);
        } else {
            call(t, a, transA, b, transB, (int) m, (int) n, (int) k, alpha, beta, c);
        }
    }

    /**
     * {@code c <- alpha s b + beta c} ({@code sLeft}) or {@code c <- alpha b s + beta c}, where s is
     * symmetric, square, 'f'-ordered and only its LOWER triangle is read (as left by
     * {@link DenseLinearAlgebra#symmetricProductLower}); b and c dense of the same ordering.
     * Half the memory traffic of gemm on s and no need to mirror the triangle.
     */
    public static void symm(INDArray s, boolean sLeft, INDArray b, double alpha, double beta, INDArray c) {
        DataType t = requireDense(c, null, "symm result");
        requireDense(s, t, "symm symmetric operand");
        requireDense(b, t, "symm operand");
        if (s.ordering() != 'f' || s.rows() != s.columns()) {
            throw new IllegalArgumentException("symm needs a square 'f'-ordered symmetric operand");
        }
        if (b.ordering() != c.ordering() || b.rows() != c.rows() || b.columns() != c.columns()) {
            throw new IllegalArgumentException("symm needs operand and result of the same shape and ordering");
        }
        if (s.rows() != (sLeft ? b.rows() : b.columns())) {
            throw new IllegalArgumentException("symm: symmetric operand is " + s.rows() + "x" + s.rows()
                    + " but the other operand is " + b.rows() + "x" + b.columns());
        }
        boolean colMajor = c.ordering() == 'f';
        // For 'c'-ordered b and c the buffers hold b^T and c^T: c^T = b^T s, so the side flips.
        int side = sLeft == colMajor ? LEFT : RIGHT;
        int rows = (int) (colMajor ? c.rows() : c.columns());
        int cols = (int) (colMajor ? c.columns() : c.rows());
        int ns = (int) s.rows();
        if (t == DataType.FLOAT) {
            openblas.cblas_ssymm(COL_MAJOR, side, LOWER, rows, cols, (float) alpha, floats(s), ns, floats(b), rows,
                    (float) beta, floats(c), rows);
        } else {
            openblas.cblas_dsymm(COL_MAJOR, side, LOWER, rows, cols, alpha, doubles(s), ns, doubles(b), rows,
                    beta, doubles(c), rows);
        }
    }

    /** Column-major {@code c = alpha op(x) op(y) + beta c} with x's and y's orderings folded into the flags. */
    private static void call(DataType t, INDArray x, boolean tx, INDArray y, boolean ty, int m, int n, int k,
                             double alpha, double beta, INDArray c) {
        // A 'c'-ordered operand's buffer is its transpose: flip its flag.
        boolean bx = tx != (x.ordering() == 'c');
        boolean by = ty != (y.ordering() == 'c');
        int ldx = (int) (x.ordering() == 'f' ? x.rows() : x.columns());
        int ldy = (int) (y.ordering() == 'f' ? y.rows() : y.columns());
        int ldc = m;
        if (t == DataType.FLOAT) {
            openblas.cblas_sgemm(COL_MAJOR, bx ? TRANS : NO_TRANS, by ? TRANS : NO_TRANS, m, n, k, (float) alpha,
                    floats(x), Math.max(1, ldx), floats(y), Math.max(1, ldy), (float) beta, floats(c), Math.max(1, ldc));
        } else {
            openblas.cblas_dgemm(COL_MAJOR, bx ? TRANS : NO_TRANS, by ? TRANS : NO_TRANS, m, n, k, alpha,
                    doubles(x), Math.max(1, ldx), doubles(y), Math.max(1, ldy), beta, doubles(c), Math.max(1, ldc));
        }
    }

    private static FloatPointer floats(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static DoublePointer doubles(INDArray a) {
        return new DoublePointer(a.data().addressPointer());
    }

    /** Returns the dtype; BLAS gets the raw buffer, so the array must own it from offset 0, rank 2. */
    private static DataType requireDense(INDArray a, DataType type, String what) {
        DataType t = a.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException(what + " must be FLOAT or DOUBLE, got " + t);
        }
        if (type != null && t != type) {
            throw new IllegalArgumentException(what + " must be " + type + ", got " + t);
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + " must be a matrix, got rank " + a.rank());
        }
        if (a.offset() != 0 || a.data().length() != a.length() || !isDenseStrides(a)) {
            throw new IllegalArgumentException(what + " must be a dense array, not a view");
        }
        return t;
    }

    /** Whether {@code a} is a rank-2 fp32/fp64 array these routines accept as it is. */
    public static boolean isDense(INDArray a) {
        return a.rank() == 2 && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE)
                && a.offset() == 0 && a.data().length() == a.length() && isDenseStrides(a);
    }

    private static boolean isDenseStrides(INDArray a) {
        long[] st = a.stride();
        return a.ordering() == 'f' ? st[0] == 1 && st[1] == Math.max(1, a.rows())
                : st[1] == 1 && st[0] == Math.max(1, a.columns());
    }
}

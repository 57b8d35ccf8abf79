package dev.spectra.optim.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The few dense-matrix routines the optimizers need, routed to LAPACK/BLAS.
 *
 * <p>ND4J's generic ops for these ({@code InvertMatrix}, {@code Nd4j.linalg().qr}) are hundreds of
 * times slower than LAPACK on the CPU backend, so nothing in optimizer-core should call them.
 * LAPACK routines take fp32/fp64 'f'-ordered matrices and work in place. Where ND4J's
 * {@code Lapack} facade lacks a routine (gesv, syevd), OpenBLAS's LAPACKE - the same native
 * library ND4J's CPU backend links - is called directly on the array's buffer.
 */
public final class DenseLinearAlgebra {

    private DenseLinearAlgebra() {
    }

    /**
     * Symmetric eigendecomposition with LAPACK {@code syev}: {@code a} ('f'-ordered, fp32/fp64) is
     * overwritten by the eigenvectors (columns) and {@code eigenvalues} (length n, same dtype)
     * receives the eigenvalues in ascending order.
     */
    public static void symmetricEigen(INDArray a, INDArray eigenvalues) {
        requireSquareF(a, "symmetricEigen");
        requireDense(eigenvalues, a.dataType(), "symmetricEigen eigenvalues");
        int n = (int) a.rows();
        // syevd (divide and conquer) is several times faster than syev for the vectors.
        int info = a.dataType() == DataType.FLOAT
                ? openblas.LAPACKE_ssyevd(COL_MAJOR, (byte) 'V', (byte) 'U', n, floats(a), n, floats(eigenvalues))
                : openblas.LAPACKE_dsyevd(COL_MAJOR, (byte) 'V', (byte) 'U', n, doubles(a), n, doubles(eigenvalues));
        if (info != 0) {
            throw new ArithmeticException("LAPACK syevd failed (info=" + info + ")");
        }
    }

    /**
     * Solves {@code a x = b} in place with LAPACK {@code gesv} (LU with partial pivoting):
     * {@code a} ('f'-ordered) is overwritten by its LU factors and {@code b} ('f'-ordered) by x.
     */
    public static void solveInPlace(INDArray a, INDArray b) {
        requireSquareF(a, "solveInPlace");
        if (b.ordering() != 'f') {
            throw new IllegalArgumentException("solveInPlace needs an 'f'-ordered right-hand side");
        }
        requireDense(b, a.dataType(), "solveInPlace right-hand side");
        int n = (int) a.rows();
        int nrhs = (int) (b.rank() == 1 ? 1 : b.columns());
        try (IntPointer pivots = new IntPointer(n)) {
            int info = a.dataType() == DataType.FLOAT
                    ? openblas.LAPACKE_sgesv(COL_MAJOR, n, nrhs, floats(a), n, pivots, floats(b), n)
                    : openblas.LAPACKE_dgesv(COL_MAJOR, n, nrhs, doubles(a), n, pivots, doubles(b), n);
            if (info > 0) {
                throw new ArithmeticException("singular matrix in solveInPlace (LAPACK gesv info=" + info + ")");
            }
            if (info < 0) {
                throw new IllegalArgumentException("LAPACK gesv rejected argument " + (-info));
            }
        }
    }

    /** Overwrites {@code a} ('f'-ordered, m x n, m >= n) with the Q factor of its QR decomposition. */
    public static void orthonormalizeColumns(INDArray a) {
        if (a.ordering() != 'f') {
            throw new IllegalArgumentException("orthonormalizeColumns needs an 'f'-ordered matrix");
        }
        INDArray r = Nd4j.createUninitialized(a.dataType(), new long[] {a.columns(), a.columns()}, 'f');
        Nd4j.getBlasWrapper().lapack().geqrf(a, r);
    }

    /**
     * Symmetric rank-k product into the LOWER triangle of {@code c} with BLAS {@code syrk}:
     * {@code c <- alpha * a^T a + beta * c} when {@code transposeFirst}, else
     * {@code c <- alpha * a a^T + beta * c}. Half the flops of the equivalent gemm; the strict
     * upper triangle of {@code c} is left untouched (callers read the lower one).
     *
     * @param a dense, 'c' or 'f'-ordered, same dtype as c
     * @param c dense square 'f'-ordered result
     */
    public static void symmetricProductLower(INDArray a, boolean transposeFirst, double alpha, double beta, INDArray c) {
        requireSquareF(c, "symmetricProductLower");
        requireDense(a, c.dataType(), "symmetricProductLower input");
        boolean colMajor = a.ordering() == 'f';
        long rows = a.rows();
        long cols = a.columns();
        long n = transposeFirst ? cols : rows;
        long k = transposeFirst ? rows : cols;
        if (c.rows() != n) {
            throw new IllegalArgumentException("symmetricProductLower: result is " + c.rows() + "x" + c.rows()
                    + " but the product is " + n + "x" + n);
        }
        // The raw buffer of a 'c' array is the column-major transpose: flip the BLAS transpose flag.
        boolean blasTrans = transposeFirst == colMajor;
        int lda = (int) (colMajor ? rows : cols);
        int trans = blasTrans ? CBLAS_TRANS : CBLAS_NO_TRANS;
        if (c.dataType() == DataType.FLOAT) {
            openblas.cblas_ssyrk(COL_MAJOR, CBLAS_LOWER, trans, (int) n, (int) k, (float) alpha, floats(a), lda,
                    (float) beta, floats(c), (int) n);
        } else {
            openblas.cblas_dsyrk(COL_MAJOR, CBLAS_LOWER, trans, (int) n, (int) k, alpha, doubles(a), lda,
                    beta, doubles(c), (int) n);
        }
    }

    /** {@code ||B^T B - I||_F} computed in the compute precision of B (fp64 for fp64, else fp32). */
    public static double orthogonalityError(INDArray b) {
        INDArray m = b.dataType() == DataType.DOUBLE || b.dataType() == DataType.FLOAT ? b : b.castTo(DataType.FLOAT);
        INDArray gram = Nd4j.gemm(m, m, true, false);
        gram.subi(Nd4j.eye(gram.rows()).castTo(gram.dataType()));
        return gram.norm2Number().doubleValue();
    }

    private static final int COL_MAJOR = 102; // LAPACK_COL_MAJOR / CblasColMajor
    private static final int CBLAS_NO_TRANS = 111;
    private static final int CBLAS_TRANS = 112;
    private static final int CBLAS_LOWER = 122;

    private static FloatPointer floats(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static DoublePointer doubles(INDArray a) {
        return new DoublePointer(a.data().addressPointer());
    }

    /** LAPACKE gets the raw buffer, so the array must own it from offset 0 and be contiguous. */
    private static void requireDense(INDArray a, DataType type, String what) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException(what + " must be " + type + ", got " + a.dataType());
        }
        if (a.isView() || a.offset() != 0 || a.data().length() != a.length()) {
            throw new IllegalArgumentException(what + " must be a dense array, not a view");
        }
    }

    private static void requireSquareF(INDArray a, String what) {
        if (a.rank() != 2 || a.rows() != a.columns()) {
            throw new IllegalArgumentException(what + " needs a square matrix, got " + java.util.Arrays.toString(a.shape()));
        }
        if (a.ordering() != 'f') {
            throw new IllegalArgumentException(what + " needs an 'f'-ordered matrix");
        }
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(what + " supports FLOAT and DOUBLE only, got " + a.dataType());
        }
        requireDense(a, a.dataType(), what);
    }
}

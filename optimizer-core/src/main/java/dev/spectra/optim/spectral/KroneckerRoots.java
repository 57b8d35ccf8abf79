package dev.spectra.optim.spectral;

import dev.spectra.optim.linalg.DenseLinearAlgebra;
import dev.spectra.optim.linalg.MatrixProducts;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cached preconditioner roots of one Kronecker state, for the steps that do not learn:
 * {@code R_C = B_C Diag(alpha d_C)^(-1/p) B_C^T} and {@code R_K = B_K Diag(d_K)^(-1/p) B_K^T}, so
 * that the direction {@code B_C [Q ./ (alpha d_C d_K^T)^(1/p)] B_K^T} with {@code Q = B_C^T G B_K}
 * is the two products {@code R_C G R_K} instead of four.
 *
 * <p>Why it pays: with curvature interval T only one step in T needs Q (to learn), the others need
 * only the direction. A rebuild costs one {@code syrk} per side (half a product, on B scaled by
 * the square roots of the root values), done lazily on the first step after an update that uses
 * the roots - never when every step learns (T = 1) - and a side is cached only where that pays
 * off at the configured interval ({@link #forInterval}). The roots are a function of the stored B, d
 * and alpha only, rebuilt deterministically, so a resumed run stays bit-identical. Only the lower
 * triangles are formed; {@code symm} reads them.
 *
 * <p>A diagonal side (B = I) keeps its root as the vector the caller passes. The cache is not
 * state: it is not exported, and it costs {@code n^2 + m^2} compute-precision entries per matrix.
 */
final class KroneckerRoots {

    private final int n;
    private final int m;
    private final boolean cacheRow;
    private final boolean cacheCol;
    private INDArray rowRoot;
    private INDArray colRoot;
    private boolean valid;

    private KroneckerRoots(int n, int m, boolean cacheRow, boolean cacheCol) {
        this.n = n;
        this.m = m;
        this.cacheRow = cacheRow;
        this.cacheCol = cacheCol;
    }

    /**
     * The cache for an n x m state whose dense sides are marked, or null when no side pays for
     * its root. A dense side of size s against the other side's size o saves {@code s^2 o}
     * multiply-adds on every step that does not learn (one product with R instead of two with B)
     * and costs {@code s^3 / 2} (one syrk) per update, so with interval T it is cached iff
     * {@code 2 (T - 1) o >= s}: at T = 2 the 784-row side of a 784 x 256 layer is not, at T = 10 it is.
     */
    static KroneckerRoots forInterval(int n, int m, boolean rowDense, boolean colDense, int interval) {
        boolean row = rowDense && 2L * (interval - 1) * m >= n;
        boolean col = colDense && 2L * (interval - 1) * n >= m;
        return row || col ? new KroneckerRoots(n, m, row, col) : null;
    }

    /** Marks the roots stale (after a curvature update). */
    void invalidate() {
        valid = false;
    }

    boolean isValid() {
        return valid;
    }

    /**
     * Rebuilds the cached roots from the bases and the per-entry root values ({@code rowValues[i] =
     * (alpha d_C,i)^(-1/p)}, {@code colValues[j] = d_K,j^(-1/p)}).
     */
    void rebuild(INDArray bC, double[] rowValues, INDArray bK, double[] colValues, ScratchArrays scratch) {
        if (cacheRow) {
            rowRoot = build(rowRoot, bC, rowValues, n, scratch);
        }
        if (cacheCol) {
            colRoot = build(colRoot, bK, colValues, m, scratch);
        }
        valid = true;
    }

    /** Lower triangle of {@code B Diag(values) B^T} = syrk of {@code B Diag(sqrt(values))}. */
    private static INDArray build(INDArray into, INDArray b, double[] values, int size, ScratchArrays scratch) {
        DataType t = b.dataType();
        INDArray root = into != null ? into : Nd4j.createUninitialized(t, new long[] {size, size}, 'f');
        INDArray scaled = scratch.acquire(t, 'c', size, size);
        Cells src = Cells.of(b);
        Cells dst = Cells.of(scaled);
        for (int r = 0; r < size; r++) {
            int base = r * size;
            for (int c = 0; c < size; c++) {
                dst.set(base + c, src.get(base + c) * Math.sqrt(values[c]));
            }
        }
        DenseLinearAlgebra.symmetricProductLower(scaled, false, 1.0, 0.0, root);
        return root;
    }

    /**
     * Writes the direction {@code S_C^(-1/p) G S_K^(-1/p)} (alpha folded into the row values) over
     * {@code g} (dense n x m, either ordering): per side one {@code symm} with the cached root, or,
     * for a side not cached, the sandwich {@code B Diag(values) B^T} as two products, or for a
     * diagonal side (null basis) the elementwise scaling.
     */
    void apply(INDArray g, INDArray bC, double[] rowValues, INDArray bK, double[] colValues, ScratchArrays scratch) {
        INDArray t = scratch.acquire(g.dataType(), g.ordering(), n, m);
        INDArray u = scratch.acquire(g.dataType(), g.ordering(), n, m);
        // t = G S_K^(-1/p)
        if (cacheCol) {
            MatrixProducts.symm(colRoot, false, g, 1.0, 0.0, t);
        } else if (bK != null) {
            MatrixProducts.gemm(g, false, bK, false, 1.0, 0.0, u);
            scale(u, u, null, colValues);
            MatrixProducts.gemm(u, false, bK, true, 1.0, 0.0, t);
        } else {
            scale(g, t, null, colValues);
        }
        // g = S_C^(-1/p) t
        if (cacheRow) {
            MatrixProducts.symm(rowRoot, true, t, 1.0, 0.0, g);
        } else if (bC != null) {
            MatrixProducts.gemm(bC, true, t, false, 1.0, 0.0, u);
            scale(u, u, rowValues, null);
            MatrixProducts.gemm(bC, false, u, false, 1.0, 0.0, g);
        } else {
            scale(t, g, rowValues, null);
        }
    }

    /** {@code out_ij = in_ij * row_i * col_j} (a null vector counts as ones); in and out share an ordering. */
    private void scale(INDArray in, INDArray out, double[] row, double[] col) {
        Cells a = Cells.of(in);
        Cells b = Cells.of(out);
        boolean rowMajor = in.ordering() == 'c';
        int outer = rowMajor ? n : m;
        int inner = rowMajor ? m : n;
        double[] outerValues = rowMajor ? row : col;
        double[] innerValues = rowMajor ? col : row;
        for (int o = 0; o < outer; o++) {
            int base = o * inner;
            double f = outerValues == null ? 1.0 : outerValues[o];
            for (int i = 0; i < inner; i++) {
                b.set(base + i, a.get(base + i) * f * (innerValues == null ? 1.0 : innerValues[i]));
            }
        }
    }
}

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
 * the roots - never when every step learns (T = 1). The roots are a function of the stored B, d
 * and alpha only, rebuilt deterministically, so a resumed run stays bit-identical. Only the lower
 * triangles are formed; {@code symm} reads them.
 *
 * <p>A diagonal side (B = I) keeps its root as the vector the caller passes. The cache is not
 * state: it is not exported, and it costs {@code n^2 + m^2} compute-precision entries per matrix.
 */
final class KroneckerRoots {

    private final int n;
    private final int m;
    private INDArray rowRoot;
    private INDArray colRoot;
    private boolean valid;

    KroneckerRoots(int n, int m) {
        this.n = n;
        this.m = m;
    }

    /** Marks the roots stale (after a curvature update). */
    void invalidate() {
        valid = false;
    }

    boolean isValid() {
        return valid;
    }

    /**
     * Rebuilds the dense roots from the bases and the per-entry root values ({@code rowValues[i] =
     * (alpha d_C,i)^(-1/p)}, {@code colValues[j] = d_K,j^(-1/p)}); a null basis is a diagonal side.
     */
    void rebuild(INDArray bC, double[] rowValues, INDArray bK, double[] colValues, ScratchArrays scratch) {
        if (bC != null) {
            rowRoot = build(rowRoot, bC, rowValues, n, scratch);
        }
        if (bK != null) {
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
     * Writes {@code R_C G R_K} over {@code g} (dense n x m, either ordering); a diagonal side is
     * applied as the elementwise row or column scaling by its values.
     */
    void apply(INDArray g, double[] rowValues, double[] colValues, ScratchArrays scratch) {
        INDArray t = scratch.acquire(g.dataType(), g.ordering(), n, m);
        if (rowRoot != null && colRoot != null) {
            MatrixProducts.symm(colRoot, false, g, 1.0, 0.0, t);
            MatrixProducts.symm(rowRoot, true, t, 1.0, 0.0, g);
        } else if (rowRoot != null) {
            MatrixProducts.symm(rowRoot, true, g, 1.0, 0.0, t);
            scale(t, g, null, colValues);
        } else if (colRoot != null) {
            MatrixProducts.symm(colRoot, false, g, 1.0, 0.0, t);
            scale(t, g, rowValues, null);
        } else {
            scale(g, g, rowValues, colValues);
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

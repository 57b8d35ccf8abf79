package dev.spectra.optim;

import java.util.Arrays;

/**
 * How an optimizer sees a parameter tensor: as a vector or as a matrix.
 *
 * <p>Rank-2 tensors with both sides longer than 1 are matrices as they are (DL4J dense weights are
 * {@code [nIn, nOut]}). Higher-rank tensors are matrices of their first dimension against the
 * product of the rest: a conv kernel {@code [out, in, kh, kw]} becomes {@code (out, in*kh*kw)}.
 * Everything else - rank 1, and DL4J's {@code [1, n]} bias rows - is a vector of its length.
 */
public record TensorLayout(Kind kind, long rows, long cols, long[] shape) {

    public enum Kind { VECTOR, MATRIX }

    public static TensorLayout of(long[] shape) {
        long[] copy = shape.clone();
        long length = 1;
        for (long s : shape) {
            length *= s;
        }
        if (shape.length < 2 || countNonUnit(shape) < 2) {
            return new TensorLayout(Kind.VECTOR, length, 1, copy);
        }
        long rows = shape[0];
        if (rows == 1) {
            return new TensorLayout(Kind.VECTOR, length, 1, copy);
        }
        return new TensorLayout(Kind.MATRIX, rows, length / rows, copy);
    }

    private static int countNonUnit(long[] shape) {
        int n = 0;
        for (long s : shape) {
            if (s > 1) {
                n++;
            }
        }
        return n;
    }

    public boolean isMatrix() {
        return kind == Kind.MATRIX;
    }

    public long length() {
        return rows * cols;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorLayout t && t.kind == kind && t.rows == rows && t.cols == cols
                && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + kind.hashCode();
    }

    @Override
    public String toString() {
        return kind == Kind.MATRIX ? "matrix " + rows + "x" + cols + " of " + Arrays.toString(shape)
                : "vector " + rows + " of " + Arrays.toString(shape);
    }
}

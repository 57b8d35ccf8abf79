package dev.spectra.optim.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The buffer-level BLAS wrappers against ND4J's own products, for every ordering combination. */
class MatrixProductsTest {

    private static double relErr(INDArray actual, INDArray expected) {
        return actual.sub(expected).norm2Number().doubleValue() / expected.norm2Number().doubleValue();
    }

    @Test
    void gemmMatchesMmulForAllOrderingsAndTransposes() {
        Nd4j.getRandom().setSeed(5);
        int m = 7;
        int k = 5;
        int n = 3;
        for (char oa : new char[] {'c', 'f'}) {
            for (char ob : new char[] {'c', 'f'}) {
                for (char oc : new char[] {'c', 'f'}) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            INDArray a = (ta ? Nd4j.randn(DataType.DOUBLE, k, m) : Nd4j.randn(DataType.DOUBLE, m, k)).dup(oa);
                            INDArray b = (tb ? Nd4j.randn(DataType.DOUBLE, n, k) : Nd4j.randn(DataType.DOUBLE, k, n)).dup(ob);
                            INDArray c0 = Nd4j.randn(DataType.DOUBLE, m, n).dup(oc);
                            INDArray expected = (ta ? a.transpose() : a).mmul(tb ? b.transpose() : b).mul(2.0).add(c0.mul(0.5));
                            INDArray c = c0.dup(oc);
                            MatrixProducts.gemm(a, ta, b, tb, 2.0, 0.5, c);
                            assertThat(relErr(c, expected)).as("%s%s%s %s %s", oa, ob, oc, ta, tb).isLessThan(1e-14);
                        }
                    }
                }
            }
        }
    }

    @Test
    void symmReadsOnlyTheLowerTriangleOnEitherSide() {
        Nd4j.getRandom().setSeed(6);
        int n = 6;
        int m = 4;
        INDArray x = Nd4j.randn(DataType.FLOAT, n, n);
        INDArray sym = x.add(x.transpose()).dup('f');
        INDArray lowerOnly = sym.dup('f');
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                lowerOnly.putScalar(i, j, Float.NaN); // symm must never read the strict upper triangle
            }
        }
        for (char o : new char[] {'c', 'f'}) {
            INDArray left = Nd4j.randn(DataType.FLOAT, n, m).dup(o);
            INDArray outLeft = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, m}, o);
            MatrixProducts.symm(lowerOnly, true, left, 1.5, 0.0, outLeft);
            assertThat(relErr(outLeft, sym.mmul(left).mul(1.5))).as("left, %s", o).isLessThan(1e-6);

            INDArray right = Nd4j.randn(DataType.FLOAT, m, n).dup(o);
            INDArray outRight = Nd4j.createUninitialized(DataType.FLOAT, new long[] {m, n}, o);
            MatrixProducts.symm(lowerOnly, false, right, 1.0, 0.0, outRight);
            assertThat(relErr(outRight, right.mmul(sym))).as("right, %s", o).isLessThan(1e-6);
        }
    }

    @Test
    void rejectsViewsMismatchedShapesAndDtypes() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 4, 4);
        INDArray view = Nd4j.rand(DataType.FLOAT, 8, 4).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertThat(MatrixProducts.isDense(view)).isFalse();
        assertThatThrownBy(() -> MatrixProducts.gemm(view, false, a, false, 1, 0, a.dup()))
                .hasMessageContaining("dense");
        assertThatThrownBy(() -> MatrixProducts.gemm(a, false, Nd4j.rand(DataType.FLOAT, 3, 4), false, 1, 0, a.dup()))
                .hasMessageContaining("shapes");
        assertThatThrownBy(() -> MatrixProducts.gemm(a, false, a.castTo(DataType.DOUBLE), false, 1, 0, a.dup()))
                .hasMessageContaining("FLOAT");
    }
}

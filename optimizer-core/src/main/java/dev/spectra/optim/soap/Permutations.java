package dev.spectra.optim.soap;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reorders rows or columns of dense fp32/fp64 matrices through their raw buffers. ND4J's
 * {@code getRows(int...)}/{@code getColumns(int...)} take a generic gather path that measured
 * ~100 ms for a 256 x 256 matrix; a buffer copy is well under a millisecond.
 */
final class Permutations {

    private Permutations() {
    }

    /** {@code dst[:, j] = src[:, perm[j]]}; both dense with the same shape, dtype and order. */
    static void columns(INDArray src, int[] perm, INDArray dst) {
        permute(src, perm, dst, false);
    }

    /** {@code dst[i, :] = src[perm[i], :]}; both dense with the same shape, dtype and order. */
    static void rows(INDArray src, int[] perm, INDArray dst) {
        permute(src, perm, dst, true);
    }

    private static void permute(INDArray src, int[] perm, INDArray dst, boolean rows) {
        if (src == dst || src.ordering() != dst.ordering() || src.dataType() != dst.dataType()
                || src.isView() || dst.isView() || !java.util.Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("permute needs two distinct dense arrays of one shape, dtype and order");
        }
        int r = (int) src.rows();
        int c = (int) src.columns();
        double[] in = src.data().asDouble();
        double[] out = new double[in.length];
        boolean colMajor = src.ordering() == 'f';
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                int si = rows ? perm[i] : i;
                int sj = rows ? j : perm[j];
                out[colMajor ? j * r + i : i * c + j] = in[colMajor ? sj * r + si : si * c + sj];
            }
        }
        dst.data().setData(out);
    }
}

package dev.spectra.optim.spectral;

/**
 * Damped inverse roots {@code (a + lambda)^(-1/p)}, the elementwise heart of every spectral
 * direction, computed so that the cost does not depend on p.
 *
 * <p>For a Kronecker factorization the denominators are {@code alpha d_C,i d_K,j + lambda} over all
 * n*m entries. Undamped, the root factorizes into per-row and per-column factors (n + m calls to
 * pow); the damping is applied as the correction {@code (1 + u)^(-1/p)} with
 * {@code u = lambda / (alpha d_C,i d_K,j)}, by a cubic series where u is tiny (error below u^4,
 * i.e. round-off) and by pow only where the damping actually matters.
 */
final class InverseRoot {

    /** Below this u the cubic series is exact to double round-off (u^4 < 1e-16). */
    private static final double SERIES_LIMIT = 1e-4;

    private InverseRoot() {
    }

    /** {@code x^(-1/p)} for x > 0, with the common roots on fast paths. */
    static double of(double x, double p) {
        if (p == 2) {
            return 1.0 / Math.sqrt(x);
        }
        if (p == 1) {
            return 1.0 / x;
        }
        if (p == 4) {
            return 1.0 / Math.sqrt(Math.sqrt(x));
        }
        return Math.pow(x, -1.0 / p);
    }

    /** {@code (1 + u)^(-1/p)} for u >= 0. */
    static double dampingCorrection(double u, double p) {
        if (u == 0) {
            return 1.0;
        }
        if (u < SERIES_LIMIT) {
            double s = 1.0 / p;
            double c2 = s * (s + 1) / 2;
            double c3 = c2 * (s + 2) / 3;
            return 1 - u * (s - u * (c2 - u * c3));
        }
        return of(1 + u, p);
    }

    /**
     * Fills the per-row and per-column factors of {@code (alpha d_C d_K^T + lambda)^(-1/p)}:
     * {@code rowRoot = (alpha d_C)^(-1/p)}, {@code colRoot = d_K^(-1/p)}, and the damping terms
     * {@code rowDamp = lambda / (alpha d_C)}, {@code colInv = 1 / d_K} (callers' preallocated
     * buffers of lengths n, n, m, m). Returns the largest {@code u / p} over all entries, with
     * {@code u = lambda / (alpha d_C,i d_K,j)}: the largest relative change the damping correction
     * {@code (1 + u)^(-1/p)} makes. Below about the unit round-off of the compute type the
     * correction is exactly 1 in that precision and the root factorizes.
     */
    static double kroneckerFactors(int n, int m, double[] dC, double[] dK, double alpha, double lambda, double p,
                                   double[] rowRoot, double[] rowDamp, double[] colRoot, double[] colInv) {
        double largestU = 0;
        for (int i = 0; i < n; i++) {
            rowRoot[i] = of(alpha * dC[i], p);
            rowDamp[i] = lambda / (alpha * dC[i]);
            largestU = Math.max(largestU, rowDamp[i]);
        }
        double largestInvK = 0;
        for (int j = 0; j < m; j++) {
            colRoot[j] = of(dK[j], p);
            colInv[j] = 1.0 / dK[j];
            largestInvK = Math.max(largestInvK, colInv[j]);
        }
        return lambda == 0 ? 0.0 : largestU * largestInvK / p;
    }

    /**
     * {@code out = q .* (alpha d_C d_K^T + lambda)^(-1/p)} for column-major n x m arrays, from the
     * factors of {@link #kroneckerFactors} (with {@code damped} as it returned).
     */
    static void scaleKronecker(Cells q, Cells out, int n, int m, boolean damped, double p, double[] rowRoot,
                               double[] rowDamp, double[] colRoot, double[] colInv) {
        for (int j = 0; j < m; j++) {
            int base = j * n;
            double cr = colRoot[j];
            double ci = colInv[j];
            for (int i = 0; i < n; i++) {
                double s = rowRoot[i] * cr;
                if (damped) {
                    s *= dampingCorrection(rowDamp[i] * ci, p);
                }
                out.set(base + i, q.get(base + i) * s);
            }
        }
    }
}

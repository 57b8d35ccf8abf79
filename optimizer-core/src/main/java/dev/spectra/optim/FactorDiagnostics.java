package dev.spectra.optim;

/**
 * Health of one learned curvature factor, for dashboards and tests.
 *
 * @param parameter           parameter name, e.g. {@code 0_W}
 * @param factor              which factor: {@code C} (row side), {@code K} (column side),
 *                            {@code full}, or {@code diag}
 * @param size                side length of the factor
 * @param orthogonalityError  {@code ||B^T B - I||_F}; 0 for diagonal factors
 * @param minEigenvalue       smallest entry of d
 * @param maxEigenvalue       largest entry of d
 * @param scale               the Kronecker scalar alpha (1 where the scheme has none)
 * @param lastUpdateStep      optimizer step of the last curvature update (0 = never)
 */
public record FactorDiagnostics(String parameter, String factor, long size, double orthogonalityError,
                                double minEigenvalue, double maxEigenvalue, double scale,
                                long lastUpdateStep) {
}

package dev.spectra.optim.bench;

import dev.spectra.optim.StateDtype;
import dev.spectra.optim.reference.DefaultSpdScheme;
import dev.spectra.optim.spectral.FullMatrixSpectral;
import dev.spectra.optim.spectral.Retraction;
import dev.spectra.optim.spectral.SpectralSettings;
import dev.spectra.optim.state.ScratchArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The full-matrix spectral scheme and the default scheme as {@link SpdLearner}s (fp64, S = I at
 * the start, Cayley retraction for the spectral one).
 */
final class SpectralLearners {

    private SpectralLearners() {
    }

    /** Spectral scheme with the first-order eigenvalue step (valid for PSD curvature), gamma = 1. */
    static SpdLearner spectralLinear(int n, double beta2) {
        return spectral("spectral", n, beta2, 1.0, FullMatrixSpectral.EigenvalueStep.LINEAR);
    }

    /** Spectral scheme with the exponential eigenvalue step (any symmetric curvature), gamma = 1. */
    static SpdLearner spectralExponential(int n, double beta2) {
        return spectral("spectral", n, beta2, 1.0, FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
    }

    /** Exponential eigenvalue step with gamma = 0 (accumulation), for the gradient-free search. */
    static SpdLearner spectralAccumulating(int n, double beta2) {
        return spectral("spectral", n, beta2, 0.0, FullMatrixSpectral.EigenvalueStep.EXPONENTIAL);
    }

    private static SpdLearner spectral(String name, int n, double beta2, double gamma,
                                       FullMatrixSpectral.EigenvalueStep step) {
        SpectralSettings settings = SpectralSettings.of(beta2, gamma, 1.0, Retraction.CAYLEY, StateDtype.FLOAT64);
        FullMatrixSpectral scheme = FullMatrixSpectral.identity(n, settings, step);
        ScratchArrays scratch = new ScratchArrays();
        return new SpdLearner() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void update(INDArray h) {
                scheme.updateFromCurvature(h, scratch);
                scratch.releaseAll();
            }

            @Override
            public void updateFromSamples(INDArray g, double weight) {
                scheme.updateFromSamples(g, weight, scratch);
                scratch.releaseAll();
            }

            @Override
            public INDArray matrix() {
                return scheme.covariance();
            }

            /** {@code B Diag(d^(-1/p)) B^T v}: any root from the factorization, no decomposition. */
            @Override
            public INDArray inverseRoot(INDArray v, double p) {
                INDArray b = scheme.basis();
                double[] d = scheme.eigenvalues();
                double[] scale = new double[d.length];
                for (int i = 0; i < d.length; i++) {
                    scale[i] = Math.pow(d[i], -1.0 / p);
                }
                INDArray projected = b.transpose().mmul(v.castTo(b.dataType()));
                projected.muliColumnVector(Nd4j.createFromArray(scale).reshape(d.length, 1).castTo(b.dataType()));
                return b.mmul(projected);
            }
        };
    }

    /** The default scheme: {@code S <- (1 - beta2 gamma) S + beta2 H}, roots by eigendecomposition. */
    static SpdLearner defaultScheme(int n, double beta2, double gamma) {
        DefaultSpdScheme scheme = DefaultSpdScheme.identity(n, DataType.DOUBLE, beta2, gamma);
        return SpdLearners.of("default", scheme::update, scheme::matrix);
    }
}

package dev.spectra.optim.bench;

final class SpectralLearners {
    static SpdLearner spectralLinear(int n, double beta2) { throw new UnsupportedOperationException(); }
    static SpdLearner spectralExponential(int n, double beta2) { throw new UnsupportedOperationException(); }
    static SpdLearner spectralAccumulating(int n, double beta2) { throw new UnsupportedOperationException(); }
    static SpdLearner defaultScheme(int n, double beta2, double gamma) { throw new UnsupportedOperationException(); }
}

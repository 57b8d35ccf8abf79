package dev.spectra.optim.data;

/**
 * PLACEHOLDER CONTRACT - implemented by the training-loop work (see issue 2).
 *
 * An in-memory labelled dataset: features {@code [n, d]} (images flattened row-major, values
 * scaled to [0, 1]) and one-hot labels {@code [n, numClasses]}, both FLOAT.
 */
public record Dataset(String name, org.nd4j.linalg.api.ndarray.INDArray features,
                      org.nd4j.linalg.api.ndarray.INDArray labels) {
}

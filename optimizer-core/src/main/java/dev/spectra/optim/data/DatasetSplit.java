package dev.spectra.optim.data;

/** A training set and the held-out set it is evaluated on. */
public record DatasetSplit(Dataset train, Dataset test) {

    public DatasetSplit {
        if (train == null || test == null) {
            throw new IllegalArgumentException("a split needs both a train and a test set");
        }
        if (train.featureWidth() != test.featureWidth() || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("train set " + train + " and test set " + test
                    + " differ in feature width or class count");
        }
    }
}

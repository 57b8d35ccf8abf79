package dev.spectra.optim.train;

/** Receives training progress; called on the training thread, so keep it cheap. */
public interface TrainingListener {

    default void onStep(StepMetrics metrics) {
    }

    default void onEpoch(EpochMetrics metrics) {
    }
}

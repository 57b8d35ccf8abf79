package dev.spectra.optim.train;

/** Persists checkpoints; called on the training thread at the configured cadence and at the end. */
@FunctionalInterface
public interface CheckpointHook {
    void save(TrainingCheckpoint checkpoint);
}

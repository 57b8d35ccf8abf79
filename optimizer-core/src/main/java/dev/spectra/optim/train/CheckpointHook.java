package dev.spectra.optim.train;

/**
 * Persists checkpoints; called on the training thread every {@code checkpointEverySteps} steps
 * and when a run completes (not when it is cancelled: call {@link Trainer#checkpoint()} after
 * {@code fit} returns for that). Keep it reasonably quick - training waits for it - or hand the
 * bytes to another thread ({@link TrainingCheckpoint#toBytes()} is a self-contained copy).
 */
@FunctionalInterface
public interface CheckpointHook {
    void save(TrainingCheckpoint checkpoint);
}

package dev.spectra.optim.train;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.data.Dataset;

/**
 * PLACEHOLDER CONTRACT - the DL4J training loop (issue 2). Signatures are the contract the
 * service codes against; the implementation lands with the training-loop work.
 *
 * <p>Drives a MultiLayerNetwork or ComputationGraph with any {@link Optimizer}:
 * computeGradientAndScore, per-parameter gradient views by name divided by the batch size,
 * optimizer step on the parameter views. Cancellation is checked every step.
 */
public final class Trainer {

    /** @param model a {@code MultiLayerNetwork} or {@code ComputationGraph}, initialized */
    public Trainer(Object model, Optimizer optimizer, TrainingConfig config) {
        throw new UnsupportedOperationException("Trainer lands with the training-loop work");
    }

    public Trainer addListener(TrainingListener listener) {
        throw new UnsupportedOperationException();
    }

    public Trainer checkpointHook(CheckpointHook hook) {
        throw new UnsupportedOperationException();
    }

    /** Continue from a checkpoint (network params, optimizer state, position, RNG). */
    public Trainer resumeFrom(TrainingCheckpoint checkpoint) {
        throw new UnsupportedOperationException();
    }

    /** Thread-safe; the loop stops before its next step. */
    public void cancel() {
        throw new UnsupportedOperationException();
    }

    public TrainingResult fit(Dataset train, Dataset test) {
        throw new UnsupportedOperationException();
    }
}

package dev.spectra.optim.train;

/**
 * Everything needed to continue a run exactly where it stopped.
 *
 * @param step           global steps completed
 * @param epoch          0-based epoch in progress
 * @param batchInEpoch   minibatches of that epoch already consumed
 * @param seed           the run's seed (shuffling and dropout derive from seed, epoch and step)
 * @param model          the network (DL4J ModelSerializer zip, without DL4J updater state)
 * @param optimizerState {@link dev.spectra.optim.Optimizer#exportState()}
 */
public record TrainingCheckpoint(long step, int epoch, int batchInEpoch, long seed, byte[] model,
                                 byte[] optimizerState) {
}

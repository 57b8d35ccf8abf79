package dev.spectra.optim.train;

/**
 * What the training loop reports after each evaluation on the held-out set.
 *
 * @param epoch        0-based epoch just finished
 * @param step         global step count at evaluation time
 * @param trainLoss    mean minibatch loss over the epoch
 * @param testLoss     mean loss on the held-out set
 * @param testAccuracy fraction of held-out examples classified correctly
 * @param epochSeconds wall time of the epoch's training (without evaluation)
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double testLoss, double testAccuracy,
                           double epochSeconds) {
}

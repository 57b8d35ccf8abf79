package dev.spectra.optim.train;

/**
 * What the training loop reports after every optimizer step.
 *
 * @param epoch            0-based epoch the step belongs to
 * @param step             1-based global step count
 * @param totalSteps       steps the whole run will take
 * @param loss             minibatch loss (mean over the batch) before the update
 * @param learningRate     learning rate used by this step
 * @param stepSeconds      wall time of the whole step (forward, backward, optimizer)
 * @param optimizerSeconds wall time of the optimizer update alone
 * @param samplesPerSecond batch size / stepSeconds
 */
public record StepMetrics(int epoch, long step, long totalSteps, double loss, double learningRate,
                          double stepSeconds, double optimizerSeconds, double samplesPerSecond) {
}

package dev.spectra.optim.train;

import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.config.Checks;

/**
 * How to run a training job; validated on construction (every bad field reported at once).
 *
 * @param epochs               passes over the training set
 * @param batchSize            examples per step (the last batch of an epoch may be smaller)
 * @param seed                 seeds shuffling (per epoch) and dropout (per step); resumes stay exact
 * @param evalEveryEpochs      evaluate on the held-out set every N epochs (and after the last)
 * @param checkpointEverySteps call the checkpoint hook every N steps (0 = only at the end)
 * @param schedule             learning-rate schedule, resolved against the run's total steps
 * @param networkDtype         precision the network computes in; the trainer converts a network
 *                             built in another precision
 */
public record TrainingConfig(int epochs, int batchSize, long seed, int evalEveryEpochs,
                             long checkpointEverySteps, ScheduleConfig schedule, NetworkDtype networkDtype) {

    public TrainingConfig {
        Checks.of("training")
                .positive("epochs", epochs)
                .positive("batchSize", batchSize)
                .positive("evalEveryEpochs", evalEveryEpochs)
                .nonNegative("checkpointEverySteps", checkpointEverySteps)
                .notNull("schedule", schedule)
                .notNull("networkDtype", networkDtype)
                .throwIfAny();
    }

    /** The original contract's constructor: a float32 network. */
    public TrainingConfig(int epochs, int batchSize, long seed, int evalEveryEpochs, long checkpointEverySteps,
                          ScheduleConfig schedule) {
        this(epochs, batchSize, seed, evalEveryEpochs, checkpointEverySteps, schedule, NetworkDtype.FLOAT32);
    }

    /** One epoch, batch 128, seed 42, evaluation every epoch, checkpoint at the end, constant lr, float32. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1, 128, 42, 1, 0, ScheduleConfig.defaults(), NetworkDtype.FLOAT32);
    }

    public TrainingConfig withEpochs(int v) {
        return new TrainingConfig(v, batchSize, seed, evalEveryEpochs, checkpointEverySteps, schedule, networkDtype);
    }

    public TrainingConfig withBatchSize(int v) {
        return new TrainingConfig(epochs, v, seed, evalEveryEpochs, checkpointEverySteps, schedule, networkDtype);
    }

    public TrainingConfig withSeed(long v) {
        return new TrainingConfig(epochs, batchSize, v, evalEveryEpochs, checkpointEverySteps, schedule, networkDtype);
    }

    public TrainingConfig withCheckpointEverySteps(long v) {
        return new TrainingConfig(epochs, batchSize, seed, evalEveryEpochs, v, schedule, networkDtype);
    }

    public TrainingConfig withSchedule(ScheduleConfig v) {
        return new TrainingConfig(epochs, batchSize, seed, evalEveryEpochs, checkpointEverySteps, v, networkDtype);
    }

    public TrainingConfig withNetworkDtype(NetworkDtype v) {
        return new TrainingConfig(epochs, batchSize, seed, evalEveryEpochs, checkpointEverySteps, schedule, v);
    }

    /** Steps per epoch for a training set of {@code examples}: the last partial batch counts. */
    public long stepsPerEpoch(int examples) {
        return (examples + (long) batchSize - 1) / batchSize;
    }

    /** Steps of the whole run for a training set of {@code examples}. */
    public long totalSteps(int examples) {
        return epochs * stepsPerEpoch(examples);
    }
}

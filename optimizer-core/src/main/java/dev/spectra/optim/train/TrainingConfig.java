package dev.spectra.optim.train;

import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.config.Checks;

/**
 * PLACEHOLDER CONTRACT - field set may grow (issue 2 training loop); names are fixed.
 *
 * @param epochs               passes over the training set
 * @param batchSize            examples per step
 * @param seed                 seeds shuffling, dropout and initialization
 * @param evalEveryEpochs      evaluate on the held-out set every N epochs (and after the last)
 * @param checkpointEverySteps call the checkpoint hook every N steps (0 = only at the end)
 * @param schedule             learning-rate schedule
 */
public record TrainingConfig(int epochs, int batchSize, long seed, int evalEveryEpochs,
                             long checkpointEverySteps, ScheduleConfig schedule) {

    public TrainingConfig {
        Checks.of("training")
                .positive("epochs", epochs)
                .positive("batchSize", batchSize)
                .positive("evalEveryEpochs", evalEveryEpochs)
                .nonNegative("checkpointEverySteps", checkpointEverySteps)
                .notNull("schedule", schedule)
                .throwIfAny();
    }
}

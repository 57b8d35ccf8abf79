package dev.spectra.service.jobs.spec;

/**
 * How to train.
 *
 * @param epochs               passes over the training set
 * @param batchSize            examples per step
 * @param seed                 seeds initialization, shuffling, dropout and held-out splits
 * @param evalEveryEpochs      evaluate on the held-out set every N epochs (and after the last)
 * @param checkpointEverySteps checkpoint every N steps (0 = only at the end)
 * @param networkDtype         float32 | float64 | float16 (float16 only on GPU workers)
 * @param schedule             learning-rate schedule
 */
public record TrainingSpec(int epochs, int batchSize, long seed, int evalEveryEpochs, long checkpointEverySteps,
                           String networkDtype, ScheduleSpec schedule) {

    /** @param type constant | cosine | linear; {@code minLrRatio} is the final fraction of the base rate */
    public record ScheduleSpec(String type, long warmupSteps, double minLrRatio) {
    }
}

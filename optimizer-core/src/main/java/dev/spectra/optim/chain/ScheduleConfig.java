package dev.spectra.optim.chain;

import dev.spectra.optim.config.Checks;

/**
 * A learning-rate schedule as it appears in a job spec; the training loop turns it into a
 * {@link LearningRateSchedule} once it knows the total number of steps.
 *
 * @param type        constant | cosine | linear (decay after warm-up)
 * @param warmupSteps linear warm-up length in steps (0 = none)
 * @param minLrRatio  final learning rate as a fraction of the base rate, for the decays
 */
public record ScheduleConfig(Type type, long warmupSteps, double minLrRatio) {

    public enum Type { CONSTANT, COSINE, LINEAR;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ScheduleConfig {
        Checks.of("schedule")
                .notNull("type", type)
                .nonNegative("warmupSteps", warmupSteps)
                .closed("minLrRatio", minLrRatio, 0, 1)
                .throwIfAny();
    }

    public static ScheduleConfig defaults() {
        return new ScheduleConfig(Type.CONSTANT, 0, 0.0);
    }

    public LearningRateSchedule toSchedule(long totalSteps) {
        return switch (type) {
            case CONSTANT -> LearningRateSchedule.warmup(warmupSteps);
            case COSINE -> LearningRateSchedule.warmupCosine(warmupSteps, totalSteps, minLrRatio);
            case LINEAR -> LearningRateSchedule.warmupLinear(warmupSteps, totalSteps, minLrRatio);
        };
    }
}

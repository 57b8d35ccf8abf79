package dev.spectra.optim.train;

import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.config.Checks;
import dev.spectra.optim.config.ConfigBinder;
import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * Binds the {@code training} object of a job spec onto {@link #defaults()}: scalar fields by
     * name ({@code networkDtype} accepts float32/float64/float16 and aliases), {@code schedule} as a
     * nested object ({@code {"type": "cosine", "warmupSteps": 100, "minLrRatio": 0.1}}). Every bad
     * or unknown field is reported in one {@link InvalidConfigException} (nested ones as
     * {@code schedule.type}).
     */
    public static TrainingConfig parse(Map<String, ?> spec) {
        List<ConfigViolation> violations = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>(spec == null ? Map.of() : spec);
        Object schedule = values.remove("schedule");
        ScheduleConfig boundSchedule = null;
        if (schedule instanceof Map<?, ?> m) {
            Map<String, Object> nested = new LinkedHashMap<>();
            m.forEach((k, v) -> nested.put(String.valueOf(k), v));
            try {
                boundSchedule = new ConfigBinder().bind("schedule", ScheduleConfig.defaults(), nested);
            } catch (InvalidConfigException e) {
                violations.addAll(e.prefixed("schedule.").violations());
            }
        } else if (schedule != null) {
            violations.add(new ConfigViolation("schedule", schedule, "must be an object {type, warmupSteps, minLrRatio}"));
        }
        TrainingConfig bound = null;
        try {
            bound = new ConfigBinder().bind("training", defaults(), values);
        } catch (InvalidConfigException e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new InvalidConfigException("training", violations);
        }
        return boundSchedule == null ? bound : bound.withSchedule(boundSchedule);
    }

    /** The spec form, the inverse of {@link #parse}. */
    public Map<String, Object> toSpec() {
        Map<String, Object> m = ConfigBinder.toMap(this);
        m.put("schedule", ConfigBinder.toMap(schedule));
        m.put("networkDtype", networkDtype.specName());
        return m;
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

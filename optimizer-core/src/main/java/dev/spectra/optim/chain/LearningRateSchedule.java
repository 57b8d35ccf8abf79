package dev.spectra.optim.chain;

/**
 * Multiplier on the base learning rate as a pure function of the 1-based step, so a restored
 * optimizer continues on exactly the same curve.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    double multiplier(long step);

    static LearningRateSchedule constant() {
        return step -> 1.0;
    }

    /** Linear warm-up from ~0 to 1 over {@code warmupSteps}, then constant. */
    static LearningRateSchedule warmup(long warmupSteps) {
        return step -> warmupSteps > 0 && step <= warmupSteps ? (double) step / warmupSteps : 1.0;
    }

    /**
     * Linear warm-up, then cosine decay from 1 to {@code minRatio} at {@code totalSteps}; held at
     * {@code minRatio} afterwards.
     */
    static LearningRateSchedule warmupCosine(long warmupSteps, long totalSteps, double minRatio) {
        return step -> {
            if (warmupSteps > 0 && step <= warmupSteps) {
                return (double) step / warmupSteps;
            }
            long span = Math.max(1, totalSteps - warmupSteps);
            double t = Math.min(1.0, (double) (step - warmupSteps) / span);
            return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * t));
        };
    }

    /** Linear warm-up, then linear decay from 1 to {@code minRatio} at {@code totalSteps}. */
    static LearningRateSchedule warmupLinear(long warmupSteps, long totalSteps, double minRatio) {
        return step -> {
            if (warmupSteps > 0 && step <= warmupSteps) {
                return (double) step / warmupSteps;
            }
            long span = Math.max(1, totalSteps - warmupSteps);
            double t = Math.min(1.0, (double) (step - warmupSteps) / span);
            return 1 - (1 - minRatio) * t;
        };
    }
}

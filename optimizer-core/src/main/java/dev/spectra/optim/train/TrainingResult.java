package dev.spectra.optim.train;

/**
 * How a run ended.
 *
 * @param status      COMPLETED or CANCELLED
 * @param steps       global steps completed
 * @param lastEpoch   metrics of the last evaluation (null if none ran)
 * @param seconds     wall time of {@code fit}
 */
public record TrainingResult(Status status, long steps, EpochMetrics lastEpoch, double seconds) {

    public enum Status { COMPLETED, CANCELLED }
}

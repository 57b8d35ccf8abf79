package dev.spectra.optim.train;

/**
 * Training stopped for a reason the caller should show to a user: the loss diverged, the
 * network rejected the data, a checkpoint does not fit the run. The message says what happened
 * and where (step, epoch).
 */
public class TrainingException extends RuntimeException {

    public enum Reason { DIVERGED, INVALID_INPUT, CHECKPOINT_MISMATCH }

    private final Reason reason;
    private final long step;

    public TrainingException(Reason reason, long step, String message) {
        super(message);
        this.reason = reason;
        this.step = step;
    }

    public TrainingException(Reason reason, long step, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.step = step;
    }

    public Reason reason() {
        return reason;
    }

    /** Global step at which it happened (0 before the first step). */
    public long step() {
        return step;
    }
}

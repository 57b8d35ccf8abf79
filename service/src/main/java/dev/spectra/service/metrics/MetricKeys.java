package dev.spectra.service.metrics;

import java.util.List;

/** The metric keys a training job records (the {@code key} of {@code /jobs/{id}/metrics/{key}}). */
public final class MetricKeys {

    /** Per step: minibatch loss, learning rate used, step and optimizer wall time, throughput. */
    public static final String LOSS = "loss";
    public static final String LEARNING_RATE = "learning_rate";
    public static final String STEP_SECONDS = "step_seconds";
    public static final String OPTIMIZER_SECONDS = "optimizer_seconds";
    public static final String SAMPLES_PER_SECOND = "samples_per_second";
    /** Per evaluation (at the step it ran): mean train loss of the epoch, held-out loss and accuracy, epoch time. */
    public static final String TRAIN_LOSS = "train_loss";
    public static final String TEST_LOSS = "test_loss";
    public static final String TEST_ACCURACY = "test_accuracy";
    public static final String EPOCH_SECONDS = "epoch_seconds";

    public static final List<String> ALL = List.of(LOSS, LEARNING_RATE, STEP_SECONDS, OPTIMIZER_SECONDS,
            SAMPLES_PER_SECOND, TRAIN_LOSS, TEST_LOSS, TEST_ACCURACY, EPOCH_SECONDS);

    private MetricKeys() {
    }
}

package dev.spectra.optim;

import dev.spectra.optim.chain.LearningRateSchedule;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer over named parameters, in the spirit of torch.optim and optax.
 *
 * <p>Parameters and gradients are passed as maps from a stable name (DL4J's {@code 0_W},
 * {@code conv1_b}...) to shaped arrays; the optimizer keeps per-name state, created on first use,
 * and updates the parameter arrays in place. Gradients are expected to be <em>means</em> over the
 * minibatch. Not thread-safe: one training loop drives one optimizer.
 */
public interface Optimizer {

    OptimizerConfig config();

    /**
     * One optimization step: for each parameter, transform its gradient into an update and apply
     * it in place. Gradients are not modified. Every parameter must have a gradient of the same
     * shape; a parameter's shape must not change between steps.
     */
    void step(Map<String, INDArray> params, Map<String, INDArray> grads);

    /** Number of completed steps. */
    long stepCount();

    /** The learning rate the next step will use (base lr times the schedule). */
    double currentLearningRate();

    /** Installs a learning-rate schedule, a pure function of the step, so resumes stay exact. */
    void setSchedule(LearningRateSchedule schedule);

    /**
     * Serializes the complete state (step count and every per-parameter tensor) such that
     * {@link #importState} into a fresh optimizer of the same config continues bit-identically.
     */
    byte[] exportState();

    /** Restores state written by {@link #exportState}; fails clearly on a different optimizer or shape. */
    void importState(byte[] state);

    /** Health of every learned curvature factor (empty for optimizers without factors). */
    List<FactorDiagnostics> diagnostics();

    /** Bytes held by persistent state tensors (not transient scratch). */
    long stateBytes();
}

package dev.spectra.optim.model;

import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.TrainableModel;
import java.util.List;
import java.util.Map;

/**
 * A model as a job spec describes it: {@code mlp}, {@code cnn} or {@code dl4j-json}. Specs are
 * validated records; the usual sequence is
 * <pre>{@code
 * ModelSpec spec = ModelSpecs.parse(jobSpec.get("model"))   // field errors, all at once
 *         .forData(train.featureWidth(), train.numClasses()); // fills sizes left to the data
 * spec.checkLimits(limits);                                   // before anything is allocated
 * TrainableModel model = spec.build(NetworkDtype.FLOAT32, seed, limits);
 * }</pre>
 */
public sealed interface ModelSpec permits MlpSpec, CnnSpec, Dl4jJsonSpec {

    /** The job-spec name: {@code mlp}, {@code cnn} or {@code dl4j-json}. */
    String type();

    /**
     * This spec with the input size and class count a dataset implies filled in where the spec
     * left them 0; an explicit value that disagrees with the data is an
     * {@link InvalidConfigException}.
     */
    ModelSpec forData(int inputSize, int numClasses);

    /** Number of parameters the network will have, computed without building it. */
    long parameterCount();

    /** Every way this spec exceeds {@code limits} (empty if none). */
    List<ConfigViolation> limitViolations(ModelLimits limits);

    default void checkLimits(ModelLimits limits) {
        List<ConfigViolation> v = limitViolations(limits);
        if (!v.isEmpty()) {
            throw new InvalidConfigException("model", v);
        }
    }

    /**
     * Builds and initializes the DL4J network (DL4J's updater set to NoOp: Spectra's optimizers
     * update the parameters), after checking {@code limits}.
     */
    TrainableModel build(NetworkDtype dtype, long seed, ModelLimits limits);

    default TrainableModel build(NetworkDtype dtype, long seed) {
        return build(dtype, seed, ModelLimits.defaults());
    }

    /** The spec form: {@code type} plus every field, suitable for JSON and printing. */
    Map<String, Object> toSpec();
}

package dev.spectra.optim.model;

import dev.spectra.optim.config.Checks;
import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.TrainableModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Preset {@code mlp}: fully connected hidden layers and a softmax output trained on cross-entropy.
 *
 * @param inputSize   features per example; 0 = take it from the dataset
 * @param hiddenSizes units of each hidden layer (may be empty: multinomial logistic regression)
 * @param activation  hidden-layer activation
 * @param dropout     probability of dropping a hidden activation, in [0, 1)
 * @param numClasses  outputs; 0 = take it from the dataset
 */
public record MlpSpec(int inputSize, List<Integer> hiddenSizes, ActivationFunction activation, double dropout,
                      int numClasses) implements ModelSpec {

    public static final String TYPE = "mlp";

    public MlpSpec {
        Checks c = Checks.of(TYPE)
                .nonNegative("inputSize", inputSize)
                .notNull("hiddenSizes", hiddenSizes)
                .notNull("activation", activation)
                .closedOpen("dropout", dropout, 0, 1)
                .nonNegative("numClasses", numClasses)
                .check(numClasses != 1, "numClasses", numClasses, "must be >= 2 (or 0 to take it from the dataset)");
        if (hiddenSizes != null) {
            for (int i = 0; i < hiddenSizes.size(); i++) {
                Integer h = hiddenSizes.get(i);
                c.check(h != null && h > 0, "hiddenSizes[" + i + "]", h, "must be > 0");
            }
        }
        c.throwIfAny();
        hiddenSizes = List.copyOf(hiddenSizes);
    }

    /** The quality-bar network: 784-256-128-10, ReLU, no dropout (sizes from the data). */
    public static MlpSpec defaults() {
        return new MlpSpec(0, List.of(256, 128), ActivationFunction.RELU, 0.0, 0);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public MlpSpec forData(int dataInputs, int dataClasses) {
        List<ConfigViolation> v = new ArrayList<>();
        if (inputSize != 0 && inputSize != dataInputs) {
            v.add(new ConfigViolation("inputSize", inputSize, "must equal the dataset's " + dataInputs + " features"));
        }
        Dl4jLayers.checkClasses(v, numClasses, dataClasses);
        if (!v.isEmpty()) {
            throw new InvalidConfigException(TYPE, v);
        }
        return new MlpSpec(dataInputs, hiddenSizes, activation, dropout, dataClasses);
    }

    @Override
    public long parameterCount() {
        requireResolved();
        return Dl4jLayers.denseParameters(inputSize, hiddenSizes, numClasses);
    }

    @Override
    public List<ConfigViolation> limitViolations(ModelLimits limits) {
        List<ConfigViolation> v = new ArrayList<>();
        if (hiddenSizes.size() + 1 > limits.maxLayers()) {
            v.add(new ConfigViolation("hiddenSizes", hiddenSizes.size(), "(hidden layer count) must be <= "
                    + (limits.maxLayers() - 1)));
        }
        Dl4jLayers.checkSizes(v, "hiddenSizes", hiddenSizes, limits);
        if (inputSize > 0 && numClasses > 0) {
            Dl4jLayers.checkParameters(v, parameterCount(), limits);
        }
        return v;
    }

    @Override
    public TrainableModel build(NetworkDtype dtype, long seed, ModelLimits limits) {
        requireResolved();
        checkLimits(limits);
        NeuralNetConfiguration.ListBuilder list = Dl4jLayers.base(seed, dtype.dataType(), activation).list();
        Dl4jLayers.addDenseHead(list, 0, hiddenSizes, dropout, false, numClasses);
        return Dl4jLayers.initialize(list.setInputType(InputType.feedForward(inputSize)).build());
    }

    private void requireResolved() {
        if (inputSize == 0 || numClasses == 0) {
            throw new IllegalStateException("mlp inputSize/numClasses are still 0: call forData(inputSize, numClasses) first");
        }
    }

    @Override
    public Map<String, Object> toSpec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("inputSize", inputSize);
        m.put("hiddenSizes", hiddenSizes);
        m.put("activation", activation.toString());
        m.put("dropout", dropout);
        m.put("numClasses", numClasses);
        return m;
    }
}

package dev.spectra.optim.model;

import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.train.TrainableModel;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The DL4J building blocks the presets share: base configuration, dense stack, softmax output. */
final class Dl4jLayers {

    private Dl4jLayers() {
    }

    /** Seeded base configuration; DL4J's updater is NoOp because Spectra's optimizer does the updates. */
    static NeuralNetConfiguration.Builder base(long seed, DataType dtype, ActivationFunction activation) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dtype)
                .updater(new NoOp())
                .activation(activation.dl4j())
                .weightInit(activation.rectifying() ? WeightInit.RELU : WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same);
    }

    /**
     * Appends dense layers and the softmax output layer from {@code index} on. Dropout (a drop
     * probability) is applied to the input of every layer after the first dense one, i.e. to
     * hidden activations, never to the raw features of a pure MLP.
     */
    static int addDenseHead(NeuralNetConfiguration.ListBuilder list, int index, List<Integer> sizes, double dropout,
                            boolean dropoutOnFirst, int numClasses) {
        int i = index;
        boolean first = true;
        for (int units : sizes) {
            DenseLayer.Builder b = new DenseLayer.Builder().nOut(units);
            if (dropout > 0 && (!first || dropoutOnFirst)) {
                b.dropOut(1.0 - dropout); // DL4J takes the retain probability
            }
            list.layer(i++, b.build());
            first = false;
        }
        OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (dropout > 0 && (!sizes.isEmpty() || dropoutOnFirst)) {
            out.dropOut(1.0 - dropout);
        }
        list.layer(i++, out.build());
        return i;
    }

    /** Parameters of a dense stack plus softmax output on {@code inputs} features. */
    static long denseParameters(long inputs, List<Integer> sizes, int numClasses) {
        long total = 0;
        long prev = inputs;
        for (int units : sizes) {
            total += prev * units + units;
            prev = units;
        }
        return total + prev * numClasses + numClasses;
    }

    static void checkSizes(List<ConfigViolation> out, String field, List<Integer> sizes, ModelLimits limits) {
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) > limits.maxLayerSize()) {
                out.add(new ConfigViolation(field + "[" + i + "]", sizes.get(i), "must be <= " + limits.maxLayerSize()));
            }
        }
    }

    /** An explicit class count must match the data's; 0 means "take the data's". */
    static void checkClasses(List<ConfigViolation> out, int numClasses, int dataClasses) {
        if (numClasses != 0 && numClasses != dataClasses) {
            out.add(new ConfigViolation("numClasses", numClasses, "must equal the dataset's " + dataClasses + " classes"));
        }
    }

    /** Builds and initializes the network a preset configured. */
    static TrainableModel initialize(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return TrainableModel.of(net);
    }

    static void checkParameters(List<ConfigViolation> out, long count, ModelLimits limits) {
        if (count > limits.maxParameters()) {
            out.add(new ConfigViolation("parameters", count, "(estimated parameter count) must be <= "
                    + limits.maxParameters()));
        }
    }
}

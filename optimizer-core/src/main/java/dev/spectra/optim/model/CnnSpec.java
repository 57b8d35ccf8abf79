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
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * Preset {@code cnn}: convolution blocks (conv with "same" padding, optional max-pool), then
 * dense layers and a softmax output, on flattened images ({@code InputType.convolutionalFlat}:
 * each example is a row of height x width x channels values, as the IDX reader produces).
 *
 * @param height      image height (default 28)
 * @param width       image width (default 28)
 * @param channels    image channels (default 1)
 * @param convBlocks  the convolution blocks, in order (at least one)
 * @param denseSizes  units of the dense layers after the convolutions
 * @param activation  activation of conv and dense layers
 * @param dropout     drop probability on the dense layers' inputs, in [0, 1)
 * @param numClasses  outputs; 0 = take it from the dataset
 */
public record CnnSpec(int height, int width, int channels, List<ConvBlock> convBlocks, List<Integer> denseSizes,
                      ActivationFunction activation, double dropout, int numClasses) implements ModelSpec {

    public static final String TYPE = "cnn";

    public CnnSpec {
        Checks c = Checks.of(TYPE)
                .positive("height", height)
                .positive("width", width)
                .positive("channels", channels)
                .check(convBlocks != null && !convBlocks.isEmpty(), "convBlocks", convBlocks, "must list at least one block")
                .notNull("denseSizes", denseSizes)
                .notNull("activation", activation)
                .closedOpen("dropout", dropout, 0, 1)
                .nonNegative("numClasses", numClasses)
                .check(numClasses != 1, "numClasses", numClasses, "must be >= 2 (or 0 to take it from the dataset)");
        if (denseSizes != null) {
            for (int i = 0; i < denseSizes.size(); i++) {
                Integer h = denseSizes.get(i);
                c.check(h != null && h > 0, "denseSizes[" + i + "]", h, "must be > 0");
            }
        }
        if (convBlocks != null) {
            for (int i = 0; i < convBlocks.size(); i++) {
                c.check(convBlocks.get(i) != null, "convBlocks[" + i + "]", null, "must be set");
            }
        }
        c.throwIfAny();
        convBlocks = List.copyOf(convBlocks);
        denseSizes = List.copyOf(denseSizes);
    }

    /**
     * 28x28x1; conv 16@5x5 + pool 2, conv 32@5x5 + pool 2; dense 128; ReLU; classes from the data.
     * Half the channels of the classic 32/64 net: DL4J's CPU convolution dominates the step, and
     * halving both sides of the second convolution quarters its multiply-adds; the smaller net
     * still reaches 0.92 on Fashion-MNIST (docs/results.md).
     */
    public static CnnSpec defaults() {
        return new CnnSpec(28, 28, 1, List.of(new ConvBlock(16, 5, 1, 2), new ConvBlock(32, 5, 1, 2)), List.of(128),
                ActivationFunction.RELU, 0.0, 0);
    }

    @Override
    public String type() {
        return TYPE;
    }

    public long inputSize() {
        return (long) height * width * channels;
    }

    @Override
    public CnnSpec forData(int dataInputs, int dataClasses) {
        List<ConfigViolation> v = new ArrayList<>();
        if (inputSize() != dataInputs) {
            v.add(new ConfigViolation("height", height, "x width " + width + " x channels " + channels + " = " + inputSize()
                    + " must equal the dataset's " + dataInputs + " features"));
        }
        Dl4jLayers.checkClasses(v, numClasses, dataClasses);
        if (!v.isEmpty()) {
            throw new InvalidConfigException(TYPE, v);
        }
        return new CnnSpec(height, width, channels, convBlocks, denseSizes, activation, dropout, dataClasses);
    }

    @Override
    public long parameterCount() {
        requireResolved();
        long h = height;
        long w = width;
        long c = channels;
        long total = 0;
        for (ConvBlock b : convBlocks) {
            total += (long) b.channels() * c * b.kernel() * b.kernel() + b.channels();
            c = b.channels();
            // "same" mode: every conv and pool output is ceil(input / stride)
            h = ceilDiv(h, b.stride());
            w = ceilDiv(w, b.stride());
            if (b.pools()) {
                h = ceilDiv(h, b.pool());
                w = ceilDiv(w, b.pool());
            }
        }
        return total + Dl4jLayers.denseParameters(h * w * c, denseSizes, numClasses);
    }

    @Override
    public List<ConfigViolation> limitViolations(ModelLimits limits) {
        List<ConfigViolation> v = new ArrayList<>();
        int layers = denseSizes.size() + 1;
        for (ConvBlock b : convBlocks) {
            layers += b.pools() ? 2 : 1;
        }
        if (layers > limits.maxLayers()) {
            v.add(new ConfigViolation("convBlocks", convBlocks.size(), "with denseSizes give " + layers
                    + " layers; must be <= " + limits.maxLayers()));
        }
        for (int i = 0; i < convBlocks.size(); i++) {
            ConvBlock b = convBlocks.get(i);
            String f = "convBlocks[" + i + "].";
            if (b.channels() > limits.maxLayerSize()) {
                v.add(new ConfigViolation(f + "channels", b.channels(), "must be <= " + limits.maxLayerSize()));
            }
            if (b.kernel() > limits.maxKernelSize()) {
                v.add(new ConfigViolation(f + "kernel", b.kernel(), "must be <= " + limits.maxKernelSize()));
            }
            if (b.pool() > limits.maxKernelSize()) {
                v.add(new ConfigViolation(f + "pool", b.pool(), "must be <= " + limits.maxKernelSize()));
            }
        }
        Dl4jLayers.checkSizes(v, "denseSizes", denseSizes, limits);
        if ((long) height * width > (long) limits.maxLayerSize() * limits.maxLayerSize()) {
            v.add(new ConfigViolation("height", height, "x width " + width + " is too large an image"));
        }
        if (numClasses > 0 && v.isEmpty()) {
            Dl4jLayers.checkParameters(v, parameterCount(), limits);
        }
        return v;
    }

    @Override
    public TrainableModel build(NetworkDtype dtype, long seed, ModelLimits limits) {
        requireResolved();
        checkLimits(limits);
        NeuralNetConfiguration.ListBuilder list = Dl4jLayers.base(seed, dtype.dataType(), activation).list();
        int i = 0;
        for (ConvBlock b : convBlocks) {
            list.layer(i++, new ConvolutionLayer.Builder(b.kernel(), b.kernel())
                    .stride(b.stride(), b.stride()).nOut(b.channels()).build());
            if (b.pools()) {
                list.layer(i++, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(b.pool(), b.pool()).stride(b.pool(), b.pool()).build());
            }
        }
        Dl4jLayers.addDenseHead(list, i, denseSizes, dropout, true, numClasses);
        return Dl4jLayers.initialize(list.setInputType(InputType.convolutionalFlat(height, width, channels)).build());
    }

    private void requireResolved() {
        if (numClasses == 0) {
            throw new IllegalStateException("cnn numClasses is still 0: call forData(inputSize, numClasses) first");
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public Map<String, Object> toSpec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("height", height);
        m.put("width", width);
        m.put("channels", channels);
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (ConvBlock b : convBlocks) {
            blocks.add(new LinkedHashMap<>(Map.of("channels", b.channels(), "kernel", b.kernel(), "stride", b.stride(),
                    "pool", b.pool())));
        }
        m.put("convBlocks", blocks);
        m.put("denseSizes", denseSizes);
        m.put("activation", activation.toString());
        m.put("dropout", dropout);
        m.put("numClasses", numClasses);
        return m;
    }
}

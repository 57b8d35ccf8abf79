package dev.spectra.optim.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training loop's view of a DL4J network - a {@link MultiLayerNetwork} or a single-input,
 * single-output {@link ComputationGraph} - so the loop itself is written once.
 *
 * <p>Parameters are sorted once, at construction, into three groups by how DL4J's own updater
 * would treat them: <em>trainable</em> ones go to the {@link dev.spectra.optim.Optimizer};
 * <em>statistics</em> (batch-norm running mean/variance, whose "gradient" is the delta DL4J wants
 * subtracted as is, never divided by the batch size) are updated directly; parameters of frozen
 * layers are left alone. The maps hold views into the network's flat parameter array, so
 * updating them in place updates the network.
 */
public abstract sealed class TrainableModel permits TrainableModel.MultiLayer, TrainableModel.Graph {

    private final Map<String, INDArray> trainable = new LinkedHashMap<>();
    private final Map<String, INDArray> statistics = new LinkedHashMap<>();

    /** Wraps an initialized MultiLayerNetwork or ComputationGraph. */
    public static TrainableModel of(Model network) {
        if (network instanceof MultiLayerNetwork mln) {
            return new MultiLayer(mln);
        }
        if (network instanceof ComputationGraph cg) {
            return new Graph(cg);
        }
        throw new IllegalArgumentException("the training loop trains a MultiLayerNetwork or a ComputationGraph, not "
                + (network == null ? "null" : network.getClass().getName()));
    }

    /** Call from subclass constructors once the network is known to be initialized. */
    protected final void classifyParameters() {
        Map<String, INDArray> all = network().paramTable();
        for (Layer layer : layers()) {
            String prefix = paramPrefix(layer);
            boolean frozen = layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop;
            for (String local : layer.paramTable().keySet()) {
                String name = prefix + "_" + local;
                INDArray view = all.get(name);
                if (view == null || frozen) {
                    continue;
                }
                (layer.updaterDivideByMinibatch(local) ? trainable : statistics).put(name, view);
            }
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("the network has no trainable parameters");
        }
        if (dataType() == DataType.HALF) {
            keepCrossEntropyFiniteInHalfPrecision();
        }
    }

    /**
     * DL4J's softmax cross-entropy clips probabilities at 1e-10 before the log; in fp16 that
     * rounds to 0, so one confident wrong-class prediction makes the loss NaN. Raise the clip to
     * {@link #HALF_SOFTMAX_CLIP}, which fp16 represents (log = -16, far below any useful loss).
     */
    private void keepCrossEntropyFiniteInHalfPrecision() {
        for (Layer layer : layers()) {
            if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer out
                    && out.getLossFn() instanceof org.nd4j.linalg.lossfunctions.impl.LossMCXENT ce
                    && ce.getSoftmaxClipEps() < HALF_SOFTMAX_CLIP) {
                ce.setSoftmaxClipEps(HALF_SOFTMAX_CLIP);
            }
        }
    }

    /** Smallest softmax probability the cross-entropy sees in an fp16 network. */
    static final double HALF_SOFTMAX_CLIP = 1e-7;

    /** The wrapped DL4J network. */
    public abstract Model network();

    protected abstract Layer[] layers();

    protected abstract String paramPrefix(Layer layer);

    /** Parameters the optimizer updates (name -> view), in network order. */
    public final Map<String, INDArray> trainableParameters() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Running statistics updated by subtracting DL4J's delta (batch norm mean/var). */
    public final Map<String, INDArray> statisticParameters() {
        return Collections.unmodifiableMap(statistics);
    }

    public final long numParams() {
        return network().numParams();
    }

    public abstract DataType dataType();

    /** Features per example the input layer takes, when the configuration says so. */
    public abstract OptionalLong inputWidth();

    /** Outputs (classes) of the output layer, when the configuration says so. */
    public abstract OptionalLong outputWidth();

    /** Forward and backward pass on one minibatch (training mode); returns the mean loss. */
    public final double computeGradientAndScore(INDArray features, INDArray labels) {
        backpropagate(features, labels);
        return network().score();
    }

    /** Sets the network's input and labels and runs DL4J's forward and backward pass. */
    protected abstract void backpropagate(INDArray features, INDArray labels);

    /** The gradients of the last {@link #computeGradientAndScore}, by parameter name (sums over the batch). */
    public final Map<String, INDArray> gradients() {
        return network().gradient().gradientForVariable();
    }

    /** Inference-mode output for {@code features}. */
    public abstract INDArray output(INDArray features);

    /** Inference-mode mean loss. */
    public abstract double score(INDArray features, INDArray labels);

    /** Tells DL4J the position, for any schedules (e.g. dropout) configured inside the network. */
    public abstract void setPosition(long step, int epoch);

    /** A copy of this model in another precision (DL4J converts parameters and configuration). */
    public abstract TrainableModel convertTo(DataType type);

    /** The network as a DL4J ModelSerializer zip, without updater state. */
    public final byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8,
                numParams() * dataType().width() + 16384));
        try {
            ModelSerializer.writeModel(network(), out, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the network", e);
        }
        return out.toByteArray();
    }

    /**
     * Copies the parameters of a serialized network of the same architecture into this one (the
     * views stay valid); fails clearly on a different architecture.
     */
    public final void loadParameters(byte[] modelZip) {
        Model restored;
        try {
            restored = restore(new ByteArrayInputStream(modelZip));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("checkpoint does not hold a readable DL4J model: " + e.getMessage(), e);
        }
        Map<String, INDArray> mine = network().paramTable();
        Map<String, INDArray> theirs = restored.paramTable();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException("checkpoint model has parameters " + theirs.keySet()
                    + " but this network has " + mine.keySet());
        }
        for (Map.Entry<String, INDArray> e : mine.entrySet()) {
            INDArray src = theirs.get(e.getKey());
            if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("checkpoint parameter '" + e.getKey() + "' has shape "
                        + Arrays.toString(src.shape()) + " but this network's has " + Arrays.toString(e.getValue().shape()));
            }
        }
        network().params().assign(restored.params());
    }

    protected abstract Model restore(ByteArrayInputStream in) throws IOException;

    static void requireInitialized(Model network) {
        boolean initialized = network instanceof MultiLayerNetwork mln ? mln.isInitCalled()
                : ((ComputationGraph) network).getLayers() != null;
        if (!initialized || network.params() == null || network.numParams() == 0) {
            throw new IllegalArgumentException("the network is not initialized (call init() first) or has no parameters");
        }
    }

    /** A {@link MultiLayerNetwork}. */
    static final class MultiLayer extends TrainableModel {
        private final MultiLayerNetwork net;

        MultiLayer(MultiLayerNetwork net) {
            requireInitialized(net);
            this.net = net;
            classifyParameters();
        }

        @Override
        public MultiLayerNetwork network() {
            return net;
        }

        @Override
        protected Layer[] layers() {
            return net.getLayers();
        }

        @Override
        protected String paramPrefix(Layer layer) {
            return Integer.toString(layer.getIndex());
        }

        @Override
        public DataType dataType() {
            return net.getLayerWiseConfigurations().getDataType();
        }

        @Override
        public OptionalLong inputWidth() {
            return NetworkShapes.inputWidth(net.getLayerWiseConfigurations());
        }

        @Override
        public OptionalLong outputWidth() {
            return NetworkShapes.outputWidth(net.getLayerWiseConfigurations());
        }

        @Override
        protected void backpropagate(INDArray features, INDArray labels) {
            net.setInput(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }

        @Override
        public INDArray output(INDArray features) {
            return net.output(features, false);
        }

        @Override
        public double score(INDArray features, INDArray labels) {
            return net.score(new org.nd4j.linalg.dataset.DataSet(features, labels), false);
        }

        @Override
        public void setPosition(long step, int epoch) {
            net.getLayerWiseConfigurations().setIterationCount((int) Math.min(step, Integer.MAX_VALUE));
            net.getLayerWiseConfigurations().setEpochCount(epoch);
        }

        @Override
        public TrainableModel convertTo(DataType type) {
            return new MultiLayer(net.convertDataType(type));
        }

        @Override
        protected Model restore(ByteArrayInputStream in) throws IOException {
            return ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
    }

    /** A {@link ComputationGraph} with one input and one output. */
    static final class Graph extends TrainableModel {
        private final ComputationGraph net;

        Graph(ComputationGraph net) {
            requireInitialized(net);
            var conf = net.getConfiguration();
            if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
                throw new IllegalArgumentException("the training loop trains graphs with one input and one output; this one has "
                        + conf.getNetworkInputs().size() + " inputs and " + conf.getNetworkOutputs().size() + " outputs");
            }
            this.net = net;
            classifyParameters();
        }

        @Override
        public ComputationGraph network() {
            return net;
        }

        @Override
        protected Layer[] layers() {
            return net.getLayers();
        }

        @Override
        protected String paramPrefix(Layer layer) {
            return layer.conf().getLayer().getLayerName();
        }

        @Override
        public DataType dataType() {
            return net.getConfiguration().getDataType();
        }

        @Override
        public OptionalLong inputWidth() {
            return NetworkShapes.inputWidth(net.getConfiguration());
        }

        @Override
        public OptionalLong outputWidth() {
            return NetworkShapes.outputWidth(net.getConfiguration());
        }

        @Override
        protected void backpropagate(INDArray features, INDArray labels) {
            net.setInputs(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }

        @Override
        public INDArray output(INDArray features) {
            return net.outputSingle(false, features);
        }

        @Override
        public double score(INDArray features, INDArray labels) {
            return net.score(new org.nd4j.linalg.dataset.DataSet(features, labels), false);
        }

        @Override
        public void setPosition(long step, int epoch) {
            net.getConfiguration().setIterationCount((int) Math.min(step, Integer.MAX_VALUE));
            net.getConfiguration().setEpochCount(epoch);
        }

        @Override
        public TrainableModel convertTo(DataType type) {
            return new Graph(net.convertDataType(type));
        }

        @Override
        protected Model restore(ByteArrayInputStream in) throws IOException {
            return ModelSerializer.restoreComputationGraph(in, false);
        }
    }
}

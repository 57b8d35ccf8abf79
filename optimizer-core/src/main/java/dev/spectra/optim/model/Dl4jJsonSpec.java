package dev.spectra.optim.model;

import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.NetworkShapes;
import dev.spectra.optim.train.TrainableModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Preset {@code dl4j-json}: a network given as DL4J configuration JSON - a
 * {@code MultiLayerConfiguration} ({@code conf.toJson()}) or, when it has {@code "vertices"}, a
 * single-input, single-output {@code ComputationGraphConfiguration}.
 *
 * <p>Checked on construction: valid JSON, a configuration DL4J can read, an output layer at the
 * end, and no DL4J regularization (l1/l2/weight decay run inside DL4J's updater, which Spectra
 * bypasses: use the optimizer's {@code weightDecay}). On build, the updaters are replaced by NoOp
 * (no updater state is allocated), the run's seed replaces the JSON's, and the network is
 * converted to the requested precision.
 *
 * @param json the DL4J configuration JSON
 */
public record Dl4jJsonSpec(String json) implements ModelSpec {

    public static final String TYPE = "dl4j-json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Dl4jJsonSpec {
        if (json == null || json.isBlank()) {
            throw InvalidConfigException.single("json", json, "must hold a DL4J MultiLayerConfiguration or "
                    + "ComputationGraphConfiguration as JSON");
        }
        List<ConfigViolation> v = structureViolations(parse(json));
        if (!v.isEmpty()) {
            throw new InvalidConfigException(TYPE, v);
        }
    }

    /** The configuration as DL4J reads it: exactly one of the two is set. */
    record Parsed(MultiLayerConfiguration multiLayer, ComputationGraphConfiguration graph) {

        /** Every layer configuration with a name for messages. */
        Map<String, NeuralNetConfiguration> layers() {
            Map<String, NeuralNetConfiguration> out = new LinkedHashMap<>();
            if (multiLayer != null) {
                List<NeuralNetConfiguration> confs = multiLayer.getConfs();
                for (int i = 0; i < confs.size(); i++) {
                    out.put("layer " + i, confs.get(i));
                }
            } else {
                graph.getVertices().forEach((name, vertex) -> {
                    if (vertex instanceof LayerVertex lv) {
                        out.put("layer '" + name + "'", lv.getLayerConf());
                    }
                });
            }
            return out;
        }

        OptionalLong inputWidth() {
            return multiLayer != null ? NetworkShapes.inputWidth(multiLayer) : NetworkShapes.inputWidth(graph);
        }

        OptionalLong outputWidth() {
            return multiLayer != null ? NetworkShapes.outputWidth(multiLayer) : NetworkShapes.outputWidth(graph);
        }
    }

    static Parsed parse(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw InvalidConfigException.single("json", summary(json), "is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() : ""));
        }
        if (tree == null || !tree.isObject()) {
            throw InvalidConfigException.single("json", summary(json), "must be a JSON object");
        }
        boolean graph = tree.has("vertices");
        try {
            return graph ? new Parsed(null, ComputationGraphConfiguration.fromJson(json))
                    : new Parsed(MultiLayerConfiguration.fromJson(json), null);
        } catch (RuntimeException e) {
            throw InvalidConfigException.single("json", summary(json), "is not a DL4J "
                    + (graph ? "ComputationGraphConfiguration" : "MultiLayerConfiguration") + ": " + rootMessage(e));
        }
    }

    private static List<ConfigViolation> structureViolations(Parsed p) {
        List<ConfigViolation> v = new ArrayList<>();
        Map<String, NeuralNetConfiguration> layers = p.layers();
        if (layers.isEmpty()) {
            v.add(new ConfigViolation("json", "(no layers)", "must define at least one layer"));
        }
        layers.forEach((name, conf) -> {
            if (conf.getLayer() instanceof BaseLayer bl
                    && ((bl.getRegularization() != null && !bl.getRegularization().isEmpty())
                    || (bl.getRegularizationBias() != null && !bl.getRegularizationBias().isEmpty()))) {
                v.add(new ConfigViolation("json", name, "uses DL4J regularization (l1/l2/weightDecay), which runs in "
                        + "DL4J's updater that Spectra bypasses; remove it and set the optimizer's weightDecay"));
            }
        });
        if (p.multiLayer() != null && !p.multiLayer().getConfs().isEmpty()) {
            Layer last = p.multiLayer().getConf(p.multiLayer().getConfs().size() - 1).getLayer();
            if (!(last instanceof BaseOutputLayer || last instanceof LossLayer)) {
                v.add(new ConfigViolation("json", last.getClass().getSimpleName(),
                        "must end with an output layer (OutputLayer or LossLayer) producing class scores"));
            }
        }
        if (p.graph() != null && (p.graph().getNetworkInputs().size() != 1 || p.graph().getNetworkOutputs().size() != 1)) {
            v.add(new ConfigViolation("json", p.graph().getNetworkInputs() + " -> " + p.graph().getNetworkOutputs(),
                    "graph must have exactly one input and one output"));
        }
        return v;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Dl4jJsonSpec forData(int inputSize, int numClasses) {
        Parsed p = parse(json);
        List<ConfigViolation> v = new ArrayList<>();
        p.inputWidth().ifPresent(w -> {
            if (w != inputSize) {
                v.add(new ConfigViolation("json", "input " + w, "network input takes " + w
                        + " features but the dataset has " + inputSize));
            }
        });
        p.outputWidth().ifPresent(k -> {
            if (k != numClasses) {
                v.add(new ConfigViolation("json", "output " + k, "network output has " + k
                        + " units but the dataset has " + numClasses + " classes"));
            }
        });
        if (!v.isEmpty()) {
            throw new InvalidConfigException(TYPE, v);
        }
        return this;
    }

    @Override
    public long parameterCount() {
        long total = 0;
        for (NeuralNetConfiguration conf : parse(json).layers().values()) {
            total += conf.getLayer().initializer().numParams(conf);
        }
        return total;
    }

    @Override
    public List<ConfigViolation> limitViolations(ModelLimits limits) {
        List<ConfigViolation> v = new ArrayList<>();
        if (json.length() > limits.maxJsonChars()) {
            v.add(new ConfigViolation("json", summary(json), "must be at most " + limits.maxJsonChars() + " characters"));
            return v;
        }
        Map<String, NeuralNetConfiguration> layers = parse(json).layers();
        if (layers.size() > limits.maxLayers()) {
            v.add(new ConfigViolation("json", layers.size() + " layers", "must have at most " + limits.maxLayers() + " layers"));
        }
        long params = 0;
        for (Map.Entry<String, NeuralNetConfiguration> e : layers.entrySet()) {
            Layer layer = e.getValue().getLayer();
            // nIn is bounded through the parameter count (a dense layer after a flatten is legitimately wide)
            if (layer instanceof FeedForwardLayer ff && ff.getNOut() > limits.maxLayerSize()) {
                v.add(new ConfigViolation("json", e.getKey() + " nOut " + ff.getNOut(), "layer size must be <= "
                        + limits.maxLayerSize()));
            }
            if (layer instanceof ConvolutionLayer conv) {
                for (int k : conv.getKernelSize()) {
                    if (k > limits.maxKernelSize()) {
                        v.add(new ConfigViolation("json", e.getKey() + " kernel " + k, "kernel size must be <= "
                                + limits.maxKernelSize()));
                        break;
                    }
                }
            }
            params += layer.initializer().numParams(e.getValue());
        }
        Dl4jLayers.checkParameters(v, params, limits);
        return v;
    }

    @Override
    public TrainableModel build(NetworkDtype dtype, long seed, ModelLimits limits) {
        checkLimits(limits);
        Parsed p = parse(json);
        for (NeuralNetConfiguration conf : p.layers().values()) {
            conf.setSeed(seed);
            if (conf.getLayer() instanceof BaseLayer bl) {
                bl.setIUpdater(new NoOp());
                bl.setBiasUpdater(null);
            }
        }
        TrainableModel model;
        if (p.multiLayer() != null) {
            MultiLayerNetwork net = new MultiLayerNetwork(p.multiLayer());
            net.init();
            model = TrainableModel.of(net);
        } else {
            ComputationGraph net = new ComputationGraph(p.graph());
            net.init();
            model = TrainableModel.of(net);
        }
        return model.dataType() == dtype.dataType() ? model : model.convertTo(dtype.dataType());
    }

    @Override
    public Map<String, Object> toSpec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("json", json);
        return m;
    }

    private static String summary(String json) {
        return "(" + json.length() + " characters of JSON)";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}

package dev.spectra.service.training;

import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.jobs.spec.DatasetShape;
import dev.spectra.service.jobs.spec.Dl4jConfigurationInspector;
import dev.spectra.service.web.FieldError;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vets a client's DL4J MultiLayerConfiguration JSON before DL4J ever sees it. DL4J's JSON names
 * Java classes ({@code "@class"}) that its Jackson instantiates, so every class named anywhere in
 * the document must come from the packages of plain configuration values, and layers from a short
 * list of layer types; only then is the JSON parsed, and its layer widths, layer count and
 * parameter count are checked against the limits (counting needs no allocation).
 */
@Component
public class Dl4jJsonInspector implements Dl4jConfigurationInspector {

    /** Packages whose classes are inert configuration values (activations, losses, init, schedules). */
    private static final List<String> VALUE_PACKAGES = List.of(
            "org.nd4j.linalg.activations.impl.",
            "org.nd4j.linalg.lossfunctions.impl.",
            "org.deeplearning4j.nn.weights.",
            "org.deeplearning4j.nn.conf.distribution.",
            "org.deeplearning4j.nn.conf.inputs.",
            "org.deeplearning4j.nn.conf.preprocessor.",
            "org.deeplearning4j.nn.conf.dropout.",
            "org.deeplearning4j.nn.conf.stepfunctions.",
            "org.nd4j.linalg.learning.config.",
            "org.nd4j.linalg.learning.regularization.",
            "org.nd4j.linalg.schedule.");

    /** Layer types a job may use. */
    private static final Set<String> LAYERS = Set.of(
            "DenseLayer", "OutputLayer", "LossLayer", "ConvolutionLayer", "SubsamplingLayer",
            "BatchNormalization", "DropoutLayer", "ActivationLayer", "GlobalPoolingLayer");
    private static final String LAYER_PACKAGE = "org.deeplearning4j.nn.conf.layers.";

    private final LimitsProperties limits;
    private final JsonMapper json;

    public Dl4jJsonInspector(LimitsProperties limits, JsonMapper json) {
        this.limits = limits;
        this.json = json;
    }

    @Override
    public long inspect(String path, String text, DatasetShape shape, List<FieldError> errors) {
        int before = errors.size();
        JsonNode tree;
        try {
            tree = json.readTree(text);
        } catch (RuntimeException e) {
            errors.add(FieldError.of(path, "is not valid JSON"));
            return -1;
        }
        checkClasses(path, tree, errors);
        if (errors.size() > before) {
            return -1;
        }
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(text);
        } catch (RuntimeException e) {
            errors.add(new FieldError(path, "is not a valid DL4J MultiLayerConfiguration: " + firstLine(e), null));
            return -1;
        }
        List<NeuralNetConfiguration> confs = conf.getConfs();
        if (confs == null || confs.isEmpty()) {
            errors.add(FieldError.of(path + ".confs", "must contain at least one layer"));
            return -1;
        }
        if (confs.size() > limits.maxLayers()) {
            errors.add(new FieldError(path + ".confs", "must have at most " + limits.maxLayers() + " layers", confs.size()));
            return -1;
        }
        long params = 0;
        for (int i = 0; i < confs.size(); i++) {
            Layer layer = confs.get(i).getLayer();
            String lp = path + ".confs[" + i + "].layer";
            if (layer instanceof FeedForwardLayer ff) {
                long nIn = ff.getNIn();
                long nOut = ff.getNOut();
                long inLimit = i == 0 ? Math.max(limits.maxHiddenSize(), shape.features()) : limits.maxHiddenSize();
                if (nIn > inLimit) {
                    errors.add(new FieldError(lp + ".nIn", "must be <= " + inLimit, nIn));
                }
                if (nOut > limits.maxHiddenSize()) {
                    errors.add(new FieldError(lp + ".nOut", "must be <= " + limits.maxHiddenSize(), nOut));
                }
                if (nIn < 1 || nOut < 1) {
                    errors.add(FieldError.of(lp, "must declare nIn and nOut (build the configuration with setInputType)"));
                }
            }
            if (errors.size() > before) {
                continue;
            }
            try {
                params += layer.initializer().numParams(confs.get(i));
            } catch (RuntimeException e) {
                errors.add(new FieldError(lp, "cannot be sized: " + firstLine(e), null));
            }
            if (params > limits.maxParameters()) {
                errors.add(new FieldError(path, "has more than the limit of " + limits.maxParameters() + " parameters", params));
                return -1;
            }
        }
        if (errors.size() > before) {
            return -1;
        }
        Layer last = confs.get(confs.size() - 1).getLayer();
        if (!(last instanceof BaseOutputLayer out)) {
            errors.add(FieldError.of(path + ".confs[" + (confs.size() - 1) + "].layer", "must be an output layer"));
            return -1;
        }
        if (out.getNOut() != shape.classes()) {
            errors.add(new FieldError(path + ".confs[" + (confs.size() - 1) + "].layer.nOut",
                    "must equal the dataset's " + shape.classes() + " classes", out.getNOut()));
            return -1;
        }
        Layer first = confs.get(0).getLayer();
        if (first instanceof FeedForwardLayer ff && !(first instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                && ff.getNIn() != shape.features()) {
            errors.add(new FieldError(path + ".confs[0].layer.nIn", "must equal the dataset's " + shape.features()
                    + " input features", ff.getNIn()));
            return -1;
        }
        return params;
    }

    private void checkClasses(String path, JsonNode node, List<FieldError> errors) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                if (e.getKey().equals("@class")) {
                    String cls = e.getValue().asString("");
                    if (!allowed(cls)) {
                        errors.add(new FieldError(path, "uses class " + cls + ", which is not allowed in a job "
                                + "(layers: " + String.join(", ", LAYERS.stream().sorted().toList()) + ")", null));
                    }
                } else {
                    checkClasses(path, e.getValue(), errors);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode c : node) {
                checkClasses(path, c, errors);
            }
        }
    }

    private static boolean allowed(String cls) {
        if (cls.startsWith(LAYER_PACKAGE)) {
            String simple = cls.substring(LAYER_PACKAGE.length());
            return LAYERS.contains(simple);
        }
        for (String p : VALUE_PACKAGES) {
            if (cls.startsWith(p) && cls.indexOf('.', p.length()) < 0) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        m = m.lines().findFirst().orElse(m);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}

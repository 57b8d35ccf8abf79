package dev.spectra.service.jobs.spec;

import dev.spectra.service.web.FieldError;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Vets the Java classes a client's DL4J configuration JSON names before DL4J ever reads it.
 * DL4J's JSON carries {@code "@class"} names that its Jackson instantiates, so every class named
 * anywhere in the document must be an inert configuration value (activation, loss, weight init,
 * schedule...) or one of a short list of layer types; sizes and parameter counts are checked
 * afterwards by optimizer-core's {@code Dl4jJsonSpec} against the configured limits.
 */
final class Dl4jClassAllowlist {

    /** Packages whose classes are plain configuration values. */
    private static final List<String> VALUE_PACKAGES = List.of(
            "org.nd4j.linalg.activations.impl.",
            "org.nd4j.linalg.lossfunctions.impl.",
            "org.deeplearning4j.nn.weights.",
            "org.deeplearning4j.nn.conf.distribution.",
            "org.deeplearning4j.nn.conf.inputs.",
            "org.deeplearning4j.nn.conf.preprocessor.",
            "org.deeplearning4j.nn.conf.dropout.",
            "org.deeplearning4j.nn.conf.graph.",
            "org.deeplearning4j.nn.conf.stepfunctions.",
            "org.nd4j.linalg.learning.config.",
            "org.nd4j.linalg.learning.regularization.",
            "org.nd4j.linalg.schedule.");

    /** Layer types a job may use. */
    static final Set<String> LAYERS = Set.of(
            "DenseLayer", "OutputLayer", "LossLayer", "ConvolutionLayer", "SubsamplingLayer",
            "BatchNormalization", "DropoutLayer", "ActivationLayer", "GlobalPoolingLayer");
    private static final String LAYER_PACKAGE = "org.deeplearning4j.nn.conf.layers.";

    private Dl4jClassAllowlist() {
    }

    /** Adds one error per disallowed class named in {@code node} (at {@code path}). */
    static void check(String path, JsonNode node, List<FieldError> errors) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                if (e.getKey().equals("@class")) {
                    String cls = e.getValue().asString("");
                    if (!allowed(cls)) {
                        errors.add(new FieldError(path, "names class " + cls + ", which a job may not use (layers: "
                                + String.join(", ", LAYERS.stream().sorted().toList()) + ")", null));
                    }
                } else {
                    check(path, e.getValue(), errors);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode c : node) {
                check(path, c, errors);
            }
        }
    }

    static boolean allowed(String cls) {
        if (cls.startsWith(LAYER_PACKAGE)) {
            return LAYERS.contains(cls.substring(LAYER_PACKAGE.length()));
        }
        for (String p : VALUE_PACKAGES) {
            if (cls.startsWith(p) && cls.indexOf('.', p.length()) < 0) {
                return true;
            }
        }
        return false;
    }
}

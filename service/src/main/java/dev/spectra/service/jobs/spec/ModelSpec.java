package dev.spectra.service.jobs.spec;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The network to train. Which fields apply depends on {@code type}:
 * <ul>
 *   <li>{@code mlp}: {@code hiddenSizes}, {@code activation}, {@code dropout}</li>
 *   <li>{@code cnn}: {@code convLayers}, {@code denseSizes}, {@code activation}, {@code dropout} (image datasets)</li>
 *   <li>{@code dl4j-json}: {@code configuration}, a DL4J MultiLayerConfiguration as JSON</li>
 * </ul>
 */
public record ModelSpec(String type, List<Integer> hiddenSizes, String activation, Double dropout,
                        List<ConvLayerSpec> convLayers, List<Integer> denseSizes, JsonNode configuration) {

    public static final String MLP = "mlp";
    public static final String CNN = "cnn";
    public static final String DL4J_JSON = "dl4j-json";

    /**
     * One convolution block: {@code filters} kernels of {@code kernelSize}² with {@code stride}
     * ("same" padding), then max pooling by {@code poolSize} (1 = none).
     */
    public record ConvLayerSpec(int filters, int kernelSize, int stride, int poolSize) {
    }
}

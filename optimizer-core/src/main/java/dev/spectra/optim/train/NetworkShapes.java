package dev.spectra.optim.train;

import java.util.OptionalLong;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;

/**
 * What a DL4J configuration says about the data it takes: features per example at the input and
 * outputs (classes) at the output - read from the configuration alone, without allocating the
 * network, so a mismatch with the dataset is reported before anything is built. Empty when the
 * configuration does not say (e.g. a layer type whose width is implicit).
 */
public final class NetworkShapes {

    private NetworkShapes() {
    }

    public static OptionalLong inputWidth(MultiLayerConfiguration conf) {
        return inputWidthOf(conf.getInputPreProcess(0), conf.getConf(0).getLayer());
    }

    public static OptionalLong outputWidth(MultiLayerConfiguration conf) {
        return outputWidthOf(conf.getConf(conf.getConfs().size() - 1).getLayer());
    }

    /** Input width of a single-input graph (empty for several inputs). */
    public static OptionalLong inputWidth(ComputationGraphConfiguration conf) {
        if (conf.getNetworkInputs().size() != 1) {
            return OptionalLong.empty();
        }
        String input = conf.getNetworkInputs().get(0);
        for (var e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(input) && conf.getVertices().get(e.getKey()) instanceof LayerVertex lv) {
                return inputWidthOf(lv.getPreProcessor(), lv.getLayerConf().getLayer());
            }
        }
        return OptionalLong.empty();
    }

    /** Output width of a single-output graph (empty for several outputs). */
    public static OptionalLong outputWidth(ComputationGraphConfiguration conf) {
        if (conf.getNetworkOutputs().size() != 1) {
            return OptionalLong.empty();
        }
        return conf.getVertices().get(conf.getNetworkOutputs().get(0)) instanceof LayerVertex lv
                ? outputWidthOf(lv.getLayerConf().getLayer()) : OptionalLong.empty();
    }

    private static OptionalLong inputWidthOf(InputPreProcessor pre, Layer layer) {
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            return OptionalLong.of(p.getInputHeight() * p.getInputWidth() * p.getNumChannels());
        }
        if (pre == null && layer instanceof FeedForwardLayer ff && ff.getNIn() > 0) {
            return OptionalLong.of(ff.getNIn());
        }
        return OptionalLong.empty();
    }

    private static OptionalLong outputWidthOf(Layer layer) {
        return layer instanceof FeedForwardLayer ff && ff.getNOut() > 0 ? OptionalLong.of(ff.getNOut()) : OptionalLong.empty();
    }
}

package dev.spectra.optim.model;

import dev.spectra.optim.config.Checks;

/**
 * Upper bounds a model spec must respect before anything is built, so that a client cannot make
 * a worker allocate without bound. The service sets its own from configuration.
 *
 * @param maxLayers     layers in the network (hidden + output; conv, pool and dense count alike)
 * @param maxLayerSize  units of a dense layer or channels of a convolution
 * @param maxParameters estimated parameter count of the whole network
 * @param maxKernelSize side of a convolution or pooling window
 * @param maxJsonChars  length of a {@code dl4j-json} configuration
 */
public record ModelLimits(int maxLayers, int maxLayerSize, long maxParameters, int maxKernelSize, int maxJsonChars) {

    public ModelLimits {
        Checks.of("model limits")
                .positive("maxLayers", maxLayers)
                .positive("maxLayerSize", maxLayerSize)
                .positive("maxParameters", maxParameters)
                .positive("maxKernelSize", maxKernelSize)
                .positive("maxJsonChars", maxJsonChars)
                .throwIfAny();
    }

    /** 32 layers, 16384 units or channels, 50M parameters (200 MB in fp32), kernels up to 11, 1 MB of JSON. */
    public static ModelLimits defaults() {
        return new ModelLimits(32, 16_384, 50_000_000L, 11, 1 << 20);
    }
}

package dev.spectra.optim.model;

import dev.spectra.optim.config.Checks;

/**
 * One convolution block of a {@link CnnSpec}: a convolution with "same" padding, then an optional
 * max-pool whose window and stride are {@code pool}.
 *
 * @param channels output channels
 * @param kernel   square kernel side
 * @param stride   convolution stride
 * @param pool     max-pool window and stride; 0 or 1 = no pooling
 */
public record ConvBlock(int channels, int kernel, int stride, int pool) {

    public ConvBlock {
        Checks.of("conv block")
                .positive("channels", channels)
                .positive("kernel", kernel)
                .positive("stride", stride)
                .nonNegative("pool", pool)
                .throwIfAny();
    }

    public boolean pools() {
        return pool > 1;
    }
}

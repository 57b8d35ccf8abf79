package dev.spectra.service.jobs.spec;

import java.util.List;

/**
 * Parameter counts of the preset models, computed from the spec before anything is allocated,
 * so that {@code spectra.limits.max-parameters} can refuse a model that would not fit.
 */
final class ModelSizing {

    private ModelSizing() {
    }

    /** Dense layers {@code features -> hidden... -> classes}, each with a bias. */
    static long mlpParameters(int features, List<Integer> hidden, int classes) {
        long total = 0;
        long in = features;
        for (int h : hidden) {
            total += in * h + h;
            in = h;
        }
        return total + in * classes + classes;
    }

    /** Convolutions ("same" padding) with pooling, then dense layers and the softmax output. */
    static long cnnParameters(DatasetShape shape, List<ModelSpec.ConvLayerSpec> conv, List<Integer> dense) {
        long total = 0;
        long h = shape.height();
        long w = shape.width();
        long c = shape.channels();
        for (ModelSpec.ConvLayerSpec l : conv) {
            total += (long) l.kernelSize() * l.kernelSize() * c * l.filters() + l.filters();
            h = ceilDiv(h, l.stride());
            w = ceilDiv(w, l.stride());
            if (l.poolSize() > 1) {
                h /= l.poolSize();
                w /= l.poolSize();
            }
            c = l.filters();
        }
        long in = Math.max(h, 0) * Math.max(w, 0) * c;
        for (int d : dense) {
            total += in * d + d;
            in = d;
        }
        return total + in * shape.classes() + shape.classes();
    }

    /** Spatial size left after the conv stack; 0 means the image shrank away. */
    static long cnnOutputPixels(DatasetShape shape, List<ModelSpec.ConvLayerSpec> conv) {
        long h = shape.height();
        long w = shape.width();
        for (ModelSpec.ConvLayerSpec l : conv) {
            h = ceilDiv(h, l.stride());
            w = ceilDiv(w, l.stride());
            if (l.poolSize() > 1) {
                h /= l.poolSize();
                w /= l.poolSize();
            }
        }
        return h * w;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}

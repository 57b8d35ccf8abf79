package dev.spectra.optim.model;

import java.util.Locale;
import org.nd4j.linalg.activations.Activation;

/** Hidden-layer activations the presets offer (the output layer is always softmax). */
public enum ActivationFunction {
    RELU(Activation.RELU),
    LEAKYRELU(Activation.LEAKYRELU),
    ELU(Activation.ELU),
    GELU(Activation.GELU),
    SWISH(Activation.SWISH),
    TANH(Activation.TANH),
    SIGMOID(Activation.SIGMOID),
    IDENTITY(Activation.IDENTITY);

    private final Activation dl4j;

    ActivationFunction(Activation dl4j) {
        this.dl4j = dl4j;
    }

    public Activation dl4j() {
        return dl4j;
    }

    /** ReLU-family activations get He initialization, the others Xavier. */
    boolean rectifying() {
        return this == RELU || this == LEAKYRELU || this == ELU || this == GELU || this == SWISH;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

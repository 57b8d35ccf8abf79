package dev.spectra.optim.train;

import dev.spectra.optim.data.Dataset;
import java.util.function.BooleanSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Accuracy and mean loss of a model on a held-out set, in inference mode, in chunks so memory
 * stays bounded for any set size. The set is converted to the network's type once.
 */
final class HeldOutEvaluator {

    /** Rows per forward pass: large enough to amortize per-call overhead, small enough for memory. */
    static final int CHUNK = 1000;

    record Result(double loss, double accuracy) {
    }

    private final INDArray features;
    private final INDArray labels;
    private final int[] truth;

    HeldOutEvaluator(Dataset data, DataType type) {
        this.features = data.features().dataType() == type ? data.features() : data.features().castTo(type);
        this.labels = data.labels().dataType() == type ? data.labels() : data.labels().castTo(type);
        this.truth = data.labelIndices();
    }

    /** Null if {@code cancelled} became true part-way. */
    Result evaluate(TrainableModel model, BooleanSupplier cancelled) {
        int n = truth.length;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += CHUNK) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            int to = Math.min(n, from + CHUNK);
            INDArray x = features.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray y = labels.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            int[] predicted = model.output(x).argMax(1).toIntVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == truth[from + i]) {
                    correct++;
                }
            }
            lossSum += model.score(x, y) * (to - from);
        }
        return new Result(lossSum / n, (double) correct / n);
    }
}

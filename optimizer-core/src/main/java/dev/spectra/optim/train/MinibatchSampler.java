package dev.spectra.optim.train;

import dev.spectra.optim.data.Dataset;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Deals a dataset out in shuffled minibatches. The permutation of epoch {@code e} is a pure
 * function of (seed, e), so a resumed run sees exactly the batches an uninterrupted one would.
 *
 * <p>Hot path: the feature and label buffers (one for full batches, one for the shorter last
 * batch) and the row-index arrays are allocated once; each batch is one native gather
 * ({@code pullRows}) into them. The dataset is converted to the network's type once, up front.
 */
final class MinibatchSampler {

    private final INDArray features;
    private final INDArray labels;
    private final int examples;
    private final int batchSize;
    private final long seed;
    private final int[] permutation;
    private final Buffers full;
    private final Buffers last;
    private Buffers current;

    MinibatchSampler(Dataset data, int batchSize, long seed, DataType type) {
        this.features = data.features().dataType() == type ? data.features() : data.features().castTo(type);
        this.labels = data.labels().dataType() == type ? data.labels() : data.labels().castTo(type);
        this.examples = data.size();
        this.batchSize = batchSize;
        this.seed = seed;
        this.permutation = new int[examples];
        this.full = new Buffers(batchSize, type);
        int rest = examples % batchSize;
        this.last = rest == 0 ? full : new Buffers(rest, type);
    }

    int stepsPerEpoch() {
        return (examples + batchSize - 1) / batchSize;
    }

    /** Shuffles the row order for {@code epoch} (Fisher-Yates on the identity, seeded per epoch). */
    void startEpoch(int epoch) {
        for (int i = 0; i < examples; i++) {
            permutation[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, Seeds.SHUFFLE_STREAM, epoch));
        for (int i = examples - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
    }

    /** Gathers minibatch {@code batch} of the current epoch into the buffers; returns its size. */
    int load(int batch) {
        int from = batch * batchSize;
        current = from + batchSize <= examples ? full : last;
        System.arraycopy(permutation, from, current.rows, 0, current.rows.length);
        Nd4j.pullRows(features, current.features, 1, current.rows);
        Nd4j.pullRows(labels, current.labels, 1, current.rows);
        return current.rows.length;
    }

    INDArray features() {
        return current.features;
    }

    INDArray labels() {
        return current.labels;
    }

    private final class Buffers {
        final int[] rows;
        final INDArray features;
        final INDArray labels;

        Buffers(int size, DataType type) {
            rows = new int[size];
            this.features = Nd4j.createUninitialized(type, size, MinibatchSampler.this.features.columns());
            this.labels = Nd4j.createUninitialized(type, size, MinibatchSampler.this.labels.columns());
        }
    }
}

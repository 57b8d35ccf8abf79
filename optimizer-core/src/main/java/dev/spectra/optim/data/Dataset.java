package dev.spectra.optim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An in-memory labelled dataset: features {@code [n, d]} (images flattened row-major, values
 * scaled to [0, 1]) and one-hot labels {@code [n, numClasses]}, both FLOAT and 'c'-ordered so a
 * row is contiguous (the training loop gathers minibatch rows with one native call).
 *
 * @param name     what the data is, for messages and metrics (e.g. {@code fashion-mnist/train})
 * @param features {@code [n, d]} floating point, finite
 * @param labels   {@code [n, numClasses]} one-hot
 */
public record Dataset(String name, INDArray features, INDArray labels) {

    public Dataset {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dataset name must be set");
        }
        if (features == null || labels == null) {
            throw new IllegalArgumentException("dataset '" + name + "' needs both features and labels");
        }
        if (features.rank() != 2 || labels.rank() != 2) {
            throw new IllegalArgumentException("dataset '" + name + "' features and labels must be 2-D [n, d] and [n, classes]"
                    + " but have shapes " + Arrays.toString(features.shape()) + " and " + Arrays.toString(labels.shape()));
        }
        if (features.rows() != labels.rows()) {
            throw new IllegalArgumentException("dataset '" + name + "' has " + features.rows() + " feature rows but "
                    + labels.rows() + " label rows");
        }
        if (features.rows() == 0 || features.columns() == 0 || labels.columns() == 0) {
            throw new IllegalArgumentException("dataset '" + name + "' is empty: shapes " + Arrays.toString(features.shape())
                    + " and " + Arrays.toString(labels.shape()));
        }
        if (!features.dataType().isFPType() || !labels.dataType().isFPType()) {
            throw new IllegalArgumentException("dataset '" + name + "' must hold floating-point features and labels");
        }
        if (features.ordering() != 'c' || features.isView()) {
            features = features.dup('c');
        }
        if (labels.ordering() != 'c' || labels.isView()) {
            labels = labels.dup('c');
        }
    }

    /** A dataset from integer class labels, one-hot encoded here. */
    public static Dataset of(String name, INDArray features, int[] labels, int numClasses) {
        return new Dataset(name, features, oneHot(labels, numClasses));
    }

    /** One-hot FLOAT matrix {@code [labels.length, numClasses]}; every label must be in range. */
    public static INDArray oneHot(int[] labels, int numClasses) {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0 but was " + numClasses);
        }
        float[] data = new float[Math.multiplyExact(labels.length, numClasses)];
        for (int i = 0; i < labels.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("label " + c + " of example " + i + " is outside [0, " + numClasses + ")");
            }
            data[i * numClasses + c] = 1f;
        }
        return Nd4j.create(data, new long[] {labels.length, numClasses}, DataType.FLOAT);
    }

    public int size() {
        return (int) features.rows();
    }

    public int featureWidth() {
        return (int) features.columns();
    }

    public int numClasses() {
        return (int) labels.columns();
    }

    /** The class index of every example (argmax of its one-hot row). */
    public int[] labelIndices() {
        return labels.argMax(1).toIntVector();
    }

    /** Number of examples per class, indexed by class. */
    public long[] classCounts() {
        long[] counts = new long[numClasses()];
        for (int c : labelIndices()) {
            counts[c]++;
        }
        return counts;
    }

    /** The first {@code n} examples (a copy), e.g. a quick test subset. */
    public Dataset firstN(int n) {
        checkSubsetSize(n);
        int[] rows = new int[n];
        Arrays.setAll(rows, i -> i);
        return rows(name + "[:" + n + "]", rows);
    }

    /**
     * {@code n} examples drawn so that every class keeps its share of the whole (largest-remainder
     * rounding), chosen deterministically from {@code seed}, in their original order.
     */
    public Dataset stratified(int n, long seed) {
        checkSubsetSize(n);
        return rows(name + "[stratified " + n + "]", rowsWhere(stratifiedMask(n, seed), true));
    }

    /**
     * Splits off {@code n} stratified examples (chosen as {@link #stratified} chooses them) as a
     * validation set and keeps the rest for training, so hyperparameters can be tuned without
     * looking at the test set. Both parts keep their original order.
     */
    public DatasetSplit holdOut(int n, long seed) {
        if (n <= 0 || n >= size()) {
            throw new IllegalArgumentException("hold-out size must be in [1, " + (size() - 1) + "] for dataset '"
                    + name + "' (some examples must stay for training) but was " + n);
        }
        boolean[] held = stratifiedMask(n, seed);
        return new DatasetSplit(rows(name + "[without " + n + " held out]", rowsWhere(held, false)),
                rows(name + "[" + n + " held out]", rowsWhere(held, true)));
    }

    /** Which rows a stratified draw of {@code n} takes: every class keeps its share (largest remainder). */
    private boolean[] stratifiedMask(int n, long seed) {
        int[] labelsOf = labelIndices();
        int k = numClasses();
        List<List<Integer>> byClass = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labelsOf.length; i++) {
            byClass.get(labelsOf[i]).add(i);
        }
        int[] take = new int[k];
        double[] remainder = new double[k];
        int taken = 0;
        for (int c = 0; c < k; c++) {
            double exact = (double) n * byClass.get(c).size() / size();
            take[c] = (int) Math.floor(exact);
            remainder[c] = exact - take[c];
            taken += take[c];
        }
        while (taken < n) { // hand the rounding leftovers to the largest remainders
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (remainder[c] > remainder[best]) {
                    best = c;
                }
            }
            take[best]++;
            remainder[best] = -1;
            taken++;
        }
        Random rnd = new Random(seed);
        boolean[] chosen = new boolean[size()];
        for (int c = 0; c < k; c++) {
            List<Integer> members = byClass.get(c);
            java.util.Collections.shuffle(members, rnd);
            for (int j = 0; j < take[c]; j++) {
                chosen[members.get(j)] = true;
            }
        }
        return chosen;
    }

    private static int[] rowsWhere(boolean[] mask, boolean value) {
        int count = 0;
        for (boolean b : mask) {
            count += b == value ? 1 : 0;
        }
        int[] rows = new int[count];
        int r = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == value) {
                rows[r++] = i;
            }
        }
        return rows;
    }

    /** The given rows, copied, in the given order. */
    public Dataset rows(String subsetName, int[] rows) {
        return new Dataset(subsetName, Nd4j.pullRows(features, 1, rows), Nd4j.pullRows(labels, 1, rows));
    }

    private void checkSubsetSize(int n) {
        if (n <= 0 || n > size()) {
            throw new IllegalArgumentException("subset size must be in [1, " + size() + "] for dataset '" + name
                    + "' but was " + n);
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " x " + featureWidth() + ", " + numClasses() + " classes]";
    }
}

package dev.spectra.service.training;

import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.DatasetException;
import dev.spectra.optim.data.DatasetSplit;
import dev.spectra.optim.data.FashionMnist;
import dev.spectra.optim.data.SyntheticDatasets;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.config.WorkerProperties;
import dev.spectra.service.datasets.DatasetRepository;
import dev.spectra.service.jobs.spec.DatasetSpec;
import java.lang.ref.SoftReference;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Turns a job's {@link DatasetSpec} into the train and held-out sets, deterministically from the
 * job's seed (a resumed attempt must see exactly the same examples). Fashion-MNIST is parsed once
 * per worker process and kept while memory allows; subsets are class-stratified.
 */
@Component
public class TrainingDataLoader {

    private final DatasetRepository uploaded;
    private final LimitsProperties limits;
    private final FashionMnist fashionMnist;
    private SoftReference<DatasetSplit> fashionCache = new SoftReference<>(null);

    public TrainingDataLoader(DatasetRepository uploaded, LimitsProperties limits, WorkerProperties worker) {
        this.uploaded = uploaded;
        this.limits = limits;
        String dir = worker.fashionMnistDir();
        this.fashionMnist = new FashionMnist(dir == null || dir.isBlank() ? FashionMnist.defaultDirectory() : Path.of(dir));
    }

    public DatasetSplit load(DatasetSpec spec, long seed) {
        String name = spec.name();
        if (DatasetSpec.FASHION_MNIST.equals(name)) {
            DatasetSplit full = fashionMnist();
            return new DatasetSplit(subset(full.train(), spec.trainSamples(), seed),
                    subset(full.test(), spec.testSamples(), seed ^ 0x7e57L));
        }
        if (SyntheticDatasets.BLOBS.equals(name)) {
            long testSeed = seed ^ 0x5DEECE66DL;
            return new DatasetSplit(
                    SyntheticDatasets.blobs(spec.trainSamples(), spec.classes(), spec.features(), spec.noise(), seed, seed),
                    SyntheticDatasets.blobs(spec.testSamples(), spec.classes(), spec.features(), spec.noise(), seed, testSeed));
        }
        if (SyntheticDatasets.isSynthetic(name)) {
            return SyntheticDatasets.split(name, spec.trainSamples(), spec.testSamples(), seed);
        }
        UUID id = UUID.fromString(name);
        DatasetRepository.Content content = uploaded.content(id)
                .orElseThrow(() -> new DatasetException(name, "uploaded dataset no longer exists"));
        Dataset all = content.options().read(content.csv(), "dataset " + id, limits);
        return holdOut(all, spec.testFraction(), seed);
    }

    private synchronized DatasetSplit fashionMnist() {
        DatasetSplit cached = fashionCache.get();
        if (cached == null) {
            cached = new DatasetSplit(fashionMnist.train(), fashionMnist.test());
            fashionCache = new SoftReference<>(cached);
        }
        return cached;
    }

    private static Dataset subset(Dataset d, Integer n, long seed) {
        return n == null || n >= d.size() ? d : d.stratified(n, seed);
    }

    /** A seeded random split: {@code testFraction} of the rows held out, the rest for training. */
    static DatasetSplit holdOut(Dataset all, double testFraction, long seed) {
        int n = all.size();
        int test = (int) Math.round(n * testFraction);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] testRows = java.util.Arrays.copyOfRange(order, 0, test);
        int[] trainRows = java.util.Arrays.copyOfRange(order, test, n);
        java.util.Arrays.sort(testRows);
        java.util.Arrays.sort(trainRows);
        return new DatasetSplit(all.rows(all.name() + "/train", trainRows), all.rows(all.name() + "/test", testRows));
    }
}

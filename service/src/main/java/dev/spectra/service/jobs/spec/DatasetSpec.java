package dev.spectra.service.jobs.spec;

/**
 * The data to train on. Which fields apply depends on {@code name}:
 * <ul>
 *   <li>{@code fashion-mnist}: {@code trainSamples} (of 60000), {@code testSamples} (of 10000)</li>
 *   <li>an uploaded dataset's id: {@code testFraction} held out (deterministic by seed)</li>
 *   <li>{@code synthetic-blobs}: Gaussian clusters, {@code samples}, {@code features}, {@code classes},
 *       {@code noise} (cluster spread), {@code testFraction}</li>
 * </ul>
 */
public record DatasetSpec(String name, Integer trainSamples, Integer testSamples, Double testFraction,
                          Integer samples, Integer features, Integer classes, Double noise) {

    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String SYNTHETIC_BLOBS = "synthetic-blobs";
}

package dev.spectra.service.jobs.spec;

/**
 * The data to train on. Which fields apply depends on {@code name}:
 * <ul>
 *   <li>{@code fashion-mnist}: {@code trainSamples} (of 60000), {@code testSamples} (of 10000),
 *       class-stratified subsets drawn from the seed</li>
 *   <li>{@code synthetic-blobs}: Gaussian clusters with {@code features}, {@code classes} and
 *       cluster spread {@code noise}; {@code synthetic-xor} (2 features, 2 classes) and
 *       {@code synthetic-spirals} (2 features, 3 classes); all with {@code trainSamples}, {@code testSamples}</li>
 *   <li>an uploaded dataset's id: {@code testFraction} held out (stratified, from the seed)</li>
 * </ul>
 */
public record DatasetSpec(String name, Integer trainSamples, Integer testSamples, Double testFraction,
                          Integer features, Integer classes, Double noise) {

    public static final String FASHION_MNIST = "fashion-mnist";
}

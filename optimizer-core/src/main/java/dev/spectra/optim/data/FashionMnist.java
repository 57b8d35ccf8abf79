package dev.spectra.optim.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, 28x28 grey-scale, 10 clothing classes, 60k train / 10k test) read from
 * the directory of the Debian package {@code dataset-fashion-mnist}.
 *
 * <p>The directory is, in order of precedence: the constructor argument, the system property
 * {@value #DIR_PROPERTY}, the environment variable {@value #DIR_ENV}, then {@value #DEFAULT_DIR}.
 * Each file may be gzip-compressed ({@code .gz}, as the package ships them) or plain. A missing
 * directory or file is a {@link DatasetException} naming the path and the package to install.
 */
public final class FashionMnist {

    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    public static final String DIR_PROPERTY = "spectra.fashionMnist.dir";
    public static final String DIR_ENV = "SPECTRA_FASHION_MNIST_DIR";
    public static final String PACKAGE_HINT = "install it with `apt-get install dataset-fashion-mnist` or point "
            + DIR_ENV + " (or -D" + DIR_PROPERTY + ") at a directory holding the four IDX files";

    public static final int NUM_CLASSES = 10;
    public static final int IMAGE_SIZE = 28;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private final Path directory;
    private final IdxReader reader = new IdxReader();

    public FashionMnist(Path directory) {
        this.directory = directory;
    }

    /** The directory from the system property, the environment, or the Debian default. */
    public FashionMnist() {
        this(defaultDirectory());
    }

    public static Path defaultDirectory() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv(DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(DEFAULT_DIR);
    }

    public Path directory() {
        return directory;
    }

    /** The 60,000 training images. */
    public Dataset train() {
        return load("train", "train");
    }

    /** The 10,000 test images. */
    public Dataset test() {
        return load("t10k", "test");
    }

    private Dataset load(String prefix, String split) {
        if (!Files.isDirectory(directory)) {
            throw new DatasetException(directory, "Fashion-MNIST directory not found; " + PACKAGE_HINT);
        }
        Path images = locate(prefix + "-images-idx3-ubyte");
        Path labelsFile = locate(prefix + "-labels-idx1-ubyte");
        try {
            return read(images, labelsFile, split);
        } catch (DatasetException e) {
            throw e.withAdvice("reinstall it with `apt-get install --reinstall dataset-fashion-mnist`");
        }
    }

    private Dataset read(Path images, Path labelsFile, String split) {
        int[] labels = reader.readLabels(labelsFile);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= NUM_CLASSES) {
                throw new DatasetException(labelsFile, "label " + labels[i] + " at index " + i
                        + " is not a Fashion-MNIST class (0-9); the file is corrupt");
            }
        }
        var features = reader.readImages(images);
        if (features.rows() != labels.length) {
            throw new DatasetException(images, "holds " + features.rows() + " images but " + labelsFile + " holds "
                    + labels.length + " labels");
        }
        if (features.columns() != (long) IMAGE_SIZE * IMAGE_SIZE) {
            throw new DatasetException(images, "holds images of " + features.columns() + " pixels, not 28x28");
        }
        return Dataset.of("fashion-mnist/" + split, features, labels, NUM_CLASSES);
    }

    private Path locate(String baseName) {
        Path gz = directory.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = directory.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new DatasetException(gz, "Fashion-MNIST file not found (nor " + plain.getFileName() + "); " + PACKAGE_HINT);
    }
}

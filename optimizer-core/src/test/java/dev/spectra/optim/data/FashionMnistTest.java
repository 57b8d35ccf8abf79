package dev.spectra.optim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader and Fashion-MNIST loader on the real Debian-packaged files, and on broken copies. */
class FashionMnistTest {

    private static final Path REAL = Path.of(FashionMnist.DEFAULT_DIR);
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() {
        FashionMnist fm = new FashionMnist(REAL);
        train = fm.train();
        test = fm.test();
    }

    @Test
    void readsTheRealSplitsWithTheirKnownShapeAndBalance() {
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.featureWidth()).isEqualTo(784);
        assertThat(train.numClasses()).isEqualTo(10);
        long[] perClass = new long[10];
        Arrays.fill(perClass, 6000);
        assertThat(train.classCounts()).containsExactly(perClass);
        Arrays.fill(perClass, 1000);
        assertThat(test.classCounts()).containsExactly(perClass);
        assertThat(train.features().minNumber().doubleValue()).isEqualTo(0.0);
        assertThat(train.features().maxNumber().doubleValue()).isEqualTo(1.0);
        // every label row is one-hot
        assertThat(train.labels().sum(1).minNumber().doubleValue()).isEqualTo(1.0);
        assertThat(train.labels().sum(1).maxNumber().doubleValue()).isEqualTo(1.0);
        assertThat(train.name()).isEqualTo("fashion-mnist/train");
    }

    @Test
    void pixelsAreTheFileBytesOver255InRowMajorOrder() throws IOException {
        byte[] raw = gunzip(REAL.resolve("t10k-images-idx3-ubyte.gz"));
        int image = 1234;
        int offset = 16 + image * 784;
        float[] row = test.features().getRow(image).toFloatVector();
        for (int p = 0; p < 784; p++) {
            assertThat(row[p]).isEqualTo((raw[offset + p] & 0xFF) / 255f);
        }
        byte[] labels = gunzip(REAL.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(test.labelIndices()[image]).isEqualTo(labels[8 + image]);
    }

    @Test
    void subsetsKeepTheClassBalance() {
        Dataset six = train.stratified(6000, 1);
        assertThat(six.size()).isEqualTo(6000);
        long[] expected = new long[10];
        Arrays.fill(expected, 600);
        assertThat(six.classCounts()).containsExactly(expected);
        assertThat(train.stratified(6000, 1).features()).isEqualTo(six.features()); // deterministic
        assertThat(train.stratified(6000, 2).features()).isNotEqualTo(six.features());
        Dataset first = test.firstN(1000);
        assertThat(first.size()).isEqualTo(1000);
        assertThat(first.features().getRow(999)).isEqualTo(test.features().getRow(999));
        assertThatThrownBy(() -> test.firstN(10_001)).hasMessageContaining("subset size must be in [1, 10000]");
    }

    @Test
    void holdOutSplitsDisjointBalancedPartsThatCoverTheSet() {
        DatasetSplit split = test.holdOut(2000, 7);
        assertThat(split.train().size()).isEqualTo(8000);
        assertThat(split.test().size()).isEqualTo(2000);
        long[] expected = new long[10];
        Arrays.fill(expected, 200);
        assertThat(split.test().classCounts()).containsExactly(expected);
        // the held-out rows are exactly the stratified draw with the same seed
        assertThat(split.test().features()).isEqualTo(test.stratified(2000, 7).features());
        // disjoint and complete: every test row lands in exactly one part (rows compared by their pixel sums
        // plus label, a multiset check that fails if a row is duplicated or dropped)
        double allPixels = pixelSum(test);
        double parts = pixelSum(split.train()) + pixelSum(split.test());
        assertThat(parts).isCloseTo(allPixels, org.assertj.core.data.Offset.offset(allPixels * 1e-9));
        long[] trainCounts = split.train().classCounts();
        for (int c = 0; c < 10; c++) {
            assertThat(trainCounts[c]).isEqualTo(800);
        }
        assertThat(split.train().features().getRow(0)).isEqualTo(firstRowNotHeldOut(split));
        assertThatThrownBy(() -> test.holdOut(10_000, 1)).hasMessageContaining("hold-out size must be in [1, 9999]");
        assertThatThrownBy(() -> test.holdOut(0, 1)).hasMessageContaining("hold-out size must be in [1, 9999]");
    }

    private static double pixelSum(Dataset d) { // in double: a float sum of 7.8M pixels drifts by hundreds
        return d.features().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue();
    }

    /** The first row of the full test set that the stratified draw did not take. */
    private static org.nd4j.linalg.api.ndarray.INDArray firstRowNotHeldOut(DatasetSplit split) {
        org.nd4j.linalg.api.ndarray.INDArray held = split.test().features();
        outer:
        for (int i = 0; i < test.size(); i++) {
            org.nd4j.linalg.api.ndarray.INDArray row = test.features().getRow(i);
            for (int j = 0; j < held.rows(); j++) {
                if (held.getRow(j).equals(row)) {
                    continue outer;
                }
            }
            return row;
        }
        throw new AssertionError("every row was held out");
    }

    @Test
    void plainUncompressedFilesReadTheSame(@TempDir Path dir) throws IOException {
        for (String f : new String[] {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(f), gunzip(REAL.resolve(f + ".gz")));
        }
        Dataset plain = new FashionMnist(dir).test();
        assertThat(plain.features()).isEqualTo(test.features());
        assertThat(plain.labels()).isEqualTo(test.labels());
    }

    @Test
    void directoryComesFromSystemPropertyBeforeTheDefault(@TempDir Path dir) {
        String before = System.getProperty(FashionMnist.DIR_PROPERTY);
        try {
            System.setProperty(FashionMnist.DIR_PROPERTY, dir.toString());
            assertThat(new FashionMnist().directory()).isEqualTo(dir);
            assertThatThrownBy(() -> new FashionMnist().train())
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining(dir.resolve("train-images-idx3-ubyte.gz").toString())
                    .hasMessageContaining("apt-get install dataset-fashion-mnist");
        } finally {
            if (before == null) {
                System.clearProperty(FashionMnist.DIR_PROPERTY);
            } else {
                System.setProperty(FashionMnist.DIR_PROPERTY, before);
            }
        }
        if (System.getenv(FashionMnist.DIR_ENV) == null) {
            assertThat(FashionMnist.defaultDirectory()).isEqualTo(REAL);
        }
    }

    @Test
    void missingDirectoryNamesThePathAndThePackage(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> new FashionMnist(missing).train())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(missing.toString())
                .hasMessageContaining("directory not found")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining(FashionMnist.DIR_ENV);
    }

    @Test
    void missingLabelFileNamesIt(@TempDir Path dir) throws IOException {
        Files.copy(REAL.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        assertThatThrownBy(() -> new FashionMnist(dir).test())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte.gz")
                .hasMessageContaining("file not found")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void truncatedGzipIsACleanError(@TempDir Path dir) throws IOException {
        byte[] gz = Files.readAllBytes(REAL.resolve("t10k-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        Files.copy(REAL.resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
        assertThatThrownBy(() -> new FashionMnist(dir).test())
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("t10k-images-idx3-ubyte.gz").toString())
                .hasMessageContaining("corrupt or truncated gzip")
                .hasMessageContaining("apt-get install --reinstall dataset-fashion-mnist");
    }

    @Test
    void truncatedPlainFileSaysHowMuchIsMissing(@TempDir Path dir) throws IOException {
        byte[] labels = gunzip(REAL.resolve("t10k-labels-idx1-ubyte.gz"));
        Path f = dir.resolve("labels");
        Files.write(f, Arrays.copyOf(labels, 8 + 500));
        assertThatThrownBy(() -> new IdxReader().readLabels(f))
                .isInstanceOf(DatasetException.class)
                .hasMessage(f + ": is truncated: its header declares 10000 data bytes but it ends after 500");
    }

    @Test
    void wrongMagicRankTrailingBytesAndHugeHeadersAreRejected(@TempDir Path dir) throws IOException {
        IdxReader reader = new IdxReader(1_000_000);
        Path text = write(dir, "text", "hello, this is not IDX".getBytes());
        assertThatThrownBy(() -> reader.readImages(text)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("is not an unsigned-byte IDX file (magic number 0x68656C6C");
        Path labelsAsImages = write(dir, "rank1", header(0x0801, 3), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> reader.readImages(labelsAsImages)).hasMessageContaining("rank 1 but rank 3 was expected");
        Path trailing = write(dir, "trailing", header(0x0801, 3), new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> reader.readLabels(trailing)).hasMessageContaining("has data after the size");
        Path huge = write(dir, "huge", header(0x0803, 100_000, 1000, 1000));
        assertThatThrownBy(() -> reader.readImages(huge)).hasMessageContaining("declares 100000000000 values, more than the limit");
        Path negative = write(dir, "negative", header(0x0803, -5, 28, 28));
        assertThatThrownBy(() -> reader.readImages(negative)).hasMessageContaining("declares dimension 0 as -5");
        Path empty = write(dir, "empty");
        assertThatThrownBy(() -> reader.readLabels(empty)).hasMessageContaining("is empty or shorter than an IDX header");
        Path shortHeader = write(dir, "short", header(0x0803, 10));
        assertThatThrownBy(() -> reader.readImages(shortHeader)).hasMessageContaining("truncated inside its IDX header");
        Path badGzip = write(dir, "bad.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
        assertThatThrownBy(() -> reader.readLabels(badGzip)).hasMessageContaining("corrupt or truncated gzip");
        assertThatThrownBy(() -> reader.readLabels(dir.resolve("absent"))).hasMessageContaining("absent: file not found");
    }

    @Test
    void labelsOutsideTheTenClassesMeanACorruptFile(@TempDir Path dir) throws IOException {
        Files.copy(REAL.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(REAL.resolve("t10k-labels-idx1-ubyte.gz"));
        labels[8 + 77] = 12;
        gzip(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels);
        assertThatThrownBy(() -> new FashionMnist(dir).test()).isInstanceOf(DatasetException.class)
                .hasMessageContaining("label 12 at index 77 is not a Fashion-MNIST class");
    }

    private static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    private static Path write(Path dir, String name, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    private static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static void gzip(Path target, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            out.write(data);
        }
    }
}

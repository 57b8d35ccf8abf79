package dev.spectra.optim.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the IDX format of the MNIST family (unsigned-byte tensors with a big-endian header),
 * gzip-compressed or plain, detected from the file's first two bytes.
 *
 * <p>Every failure - missing file, wrong magic number, wrong rank, truncated data, trailing
 * garbage, broken gzip stream - is a {@link DatasetException} naming the file and what was found.
 * Dimensions are checked against {@link #maxElements} before anything is allocated.
 */
public final class IdxReader {

    /** IDX type code for unsigned bytes, the only type the MNIST family uses. */
    private static final int UBYTE = 0x08;

    private final long maxElements;

    /** @param maxElements refuse files declaring more values than this (bounds memory) */
    public IdxReader(long maxElements) {
        if (maxElements <= 0) {
            throw new IllegalArgumentException("maxElements must be > 0 but was " + maxElements);
        }
        this.maxElements = maxElements;
    }

    /** Limit generous enough for any MNIST-family file (EMNIST byclass is ~550M values). */
    public IdxReader() {
        this(1L << 30);
    }

    /**
     * Images {@code idx3} {@code [n, rows, cols]} as a FLOAT matrix {@code [n, rows*cols]} with
     * values in [0, 1] (byte / 255), written straight into the native buffer.
     */
    public INDArray readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            long n = dims[0];
            long width = (long) dims[1] * dims[2];
            checkSize(file, n * width);
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, width);
            FloatBuffer target = out.data().asNioFloat();
            byte[] row = new byte[(int) width];
            float[] scaled = new float[(int) width];
            for (long i = 0; i < n; i++) {
                readFully(in, row, file, i * width, n * width);
                for (int j = 0; j < row.length; j++) {
                    scaled[j] = (row[j] & 0xFF) / 255f;
                }
                target.put(scaled); // one bulk copy per image into native memory
            }
            expectEnd(in, file);
            return out;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    /** Labels {@code idx1} {@code [n]} as ints 0..255. */
    public int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 1);
            checkSize(file, dims[0]);
            byte[] raw = new byte[dims[0]];
            readFully(in, raw, file, 0, dims[0]);
            expectEnd(in, file);
            int[] labels = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    private int[] header(DataInputStream in, Path file, int expectedRank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new DatasetException(file, "is empty or shorter than an IDX header");
        }
        int zeros = magic >>> 16;
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if (zeros != 0 || type != UBYTE) {
            throw new DatasetException(file, String.format(
                    "is not an unsigned-byte IDX file (magic number 0x%08X, expected 0x0000%02X%02X)",
                    magic, UBYTE, expectedRank));
        }
        if (rank != expectedRank) {
            throw new DatasetException(file, "is an IDX file of rank " + rank + " but rank " + expectedRank
                    + " was expected (" + (expectedRank == 1 ? "labels, idx1" : "images, idx3") + ")");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new DatasetException(file, "is truncated inside its IDX header");
            }
            if (dims[i] <= 0) {
                throw new DatasetException(file, "declares dimension " + i + " as " + dims[i] + " (must be > 0)");
            }
        }
        return dims;
    }

    private void checkSize(Path file, long elements) {
        if (elements > maxElements) {
            throw new DatasetException(file, "declares " + elements + " values, more than the limit of " + maxElements);
        }
    }

    private static void readFully(DataInputStream in, byte[] buf, Path file, long offset, long expected) throws IOException {
        int done = 0;
        while (done < buf.length) {
            int r = in.read(buf, done, buf.length - done);
            if (r < 0) {
                throw new DatasetException(file, "is truncated: its header declares " + expected
                        + " data bytes but it ends after " + (offset + done));
            }
            done += r;
        }
    }

    private static void expectEnd(DataInputStream in, Path file) throws IOException {
        if (in.read() >= 0) {
            throw new DatasetException(file, "has data after the size its IDX header declares (corrupt or wrong file)");
        }
    }

    private static DatasetException ioFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DatasetException(file, "file not found", e);
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            return new DatasetException(file, "is a corrupt or truncated gzip file (" + e.getMessage() + ")", e);
        }
        return new DatasetException(file, "cannot be read: " + e, e);
    }
}

package dev.spectra.optim.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Everything needed to continue a run exactly where it stopped. The random state is not stored
 * as such: shuffling is a pure function of (seed, epoch) and dropout of (seed, step), so the
 * position and the seed determine it.
 *
 * @param step           global steps completed
 * @param epoch          0-based epoch in progress (the next one when an epoch just finished)
 * @param batchInEpoch   minibatches of that epoch already consumed
 * @param seed           the run's seed (shuffling and dropout derive from seed, epoch and step)
 * @param model          the network (DL4J ModelSerializer zip, without DL4J updater state)
 * @param optimizerState {@link dev.spectra.optim.Optimizer#exportState()}
 * @param epochLossSum   sum of the minibatch losses of the epoch in progress so far, so the epoch's
 *                       mean train loss is the same with and without the interruption
 * @param trainExamples  size of the training set (the shuffle depends on it)
 * @param batchSize      the run's batch size (batch boundaries depend on it)
 */
public record TrainingCheckpoint(long step, int epoch, int batchInEpoch, long seed, byte[] model,
                                 byte[] optimizerState, double epochLossSum, int trainExamples, int batchSize) {

    private static final int MAGIC = 0x5350434B; // "SPCK"
    private static final int VERSION = 1;

    public TrainingCheckpoint {
        if (step < 0 || epoch < 0 || batchInEpoch < 0 || trainExamples < 0 || batchSize < 0) {
            throw new IllegalArgumentException("checkpoint position must not be negative: step " + step + ", epoch "
                    + epoch + ", batch " + batchInEpoch);
        }
        if (model == null || optimizerState == null) {
            throw new IllegalArgumentException("a checkpoint needs the model and the optimizer state");
        }
    }

    /** One self-describing blob (e.g. for a bytea column); read back with {@link #fromBytes}. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.length + optimizerState.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(step);
            out.writeInt(epoch);
            out.writeInt(batchInEpoch);
            out.writeLong(seed);
            out.writeDouble(epochLossSum);
            out.writeInt(trainExamples);
            out.writeInt(batchSize);
            out.writeInt(model.length);
            out.write(model);
            out.writeInt(optimizerState.length);
            out.write(optimizerState);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize checkpoint", e);
        }
        return bytes.toByteArray();
    }

    public static TrainingCheckpoint fromBytes(byte[] blob) {
        if (blob == null) {
            throw new IllegalArgumentException("checkpoint bytes are null");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
            if (blob.length < 8 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a Spectra training checkpoint (bad magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported checkpoint version " + version + " (expected " + VERSION + ")");
            }
            long step = in.readLong();
            int epoch = in.readInt();
            int batch = in.readInt();
            long seed = in.readLong();
            double lossSum = in.readDouble();
            int examples = in.readInt();
            int batchSize = in.readInt();
            byte[] model = readBlock(in, blob.length, "model");
            byte[] optimizer = readBlock(in, blob.length, "optimizer state");
            if (in.read() >= 0) {
                throw new IllegalArgumentException("checkpoint has trailing bytes (corrupt)");
            }
            return new TrainingCheckpoint(step, epoch, batch, seed, model, optimizer, lossSum, examples, batchSize);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    private static byte[] readBlock(DataInputStream in, int total, String what) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > total) {
            throw new IllegalArgumentException("checkpoint " + what + " length " + len + " is impossible (corrupt)");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    @Override
    public String toString() {
        return "TrainingCheckpoint[step=" + step + ", epoch=" + epoch + ", batchInEpoch=" + batchInEpoch + ", seed=" + seed
                + ", model=" + model.length + " B, optimizerState=" + optimizerState.length + " B]";
    }
}

package dev.spectra.optim.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An optimizer's exported state: an ordered map from keys ({@code 0_W/momentum}) to tensors and
 * scalars, with a binary form that restores every value bit-exactly (tensors keep their dtype).
 *
 * <p>Format: magic, format version, optimizer type, then entries (key, kind, payload). The type is
 * checked on import so state cannot be loaded into a different optimizer by mistake.
 */
public final class OptimizerState {

    private static final int MAGIC = 0x53504543; // "SPEC"
    private static final int VERSION = 1;
    private static final byte TENSOR = 1;
    private static final byte LONG = 2;
    private static final byte DOUBLE = 3;

    private final String optimizerType;
    private final Map<String, Object> entries = new LinkedHashMap<>();

    public OptimizerState(String optimizerType) {
        this.optimizerType = optimizerType;
    }

    public String optimizerType() {
        return optimizerType;
    }

    /** Stores a copy-free reference; the tensor is serialized when {@link #toBytes()} runs. */
    public OptimizerState put(String key, INDArray tensor) {
        entries.put(key, tensor);
        return this;
    }

    public OptimizerState put(String key, long value) {
        entries.put(key, value);
        return this;
    }

    public OptimizerState put(String key, double value) {
        entries.put(key, value);
        return this;
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public INDArray tensor(String key) {
        return get(key, INDArray.class);
    }

    /** The tensor under {@code key}, which must have exactly {@code shape}. */
    public INDArray tensor(String key, long... shape) {
        INDArray t = tensor(key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("optimizer state '" + key + "' has shape " + Arrays.toString(t.shape())
                    + " but the parameter needs " + Arrays.toString(shape) + " (was it saved for another model?)");
        }
        return t;
    }

    public long longValue(String key) {
        return get(key, Long.class);
    }

    public double doubleValue(String key) {
        return get(key, Double.class);
    }

    private <T> T get(String key, Class<T> type) {
        Object v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state has no entry '" + key + "' (saved by a different optimizer or model?)");
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("optimizer state entry '" + key + "' is not a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(optimizerType);
            out.writeInt(entries.size());
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                out.writeUTF(e.getKey());
                Object v = e.getValue();
                if (v instanceof INDArray t) {
                    out.writeByte(TENSOR);
                    Nd4j.write(t.isView() || t.ordering() != 'c' ? t.dup('c') : t, out);
                } else if (v instanceof Long l) {
                    out.writeByte(LONG);
                    out.writeLong(l);
                } else {
                    out.writeByte(DOUBLE);
                    out.writeDouble((Double) v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Parses bytes written by {@link #toBytes()}.
     *
     * @param expectedType the importing optimizer's type; a mismatch is an error naming both
     */
    public static OptimizerState fromBytes(byte[] data, String expectedType) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (data.length < 8 || in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a Spectra optimizer state (bad magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported optimizer state version " + version + " (expected " + VERSION + ")");
            }
            String type = in.readUTF();
            if (!type.equals(expectedType)) {
                throw new IllegalArgumentException("optimizer state was saved by '" + type + "' and cannot be loaded into '" + expectedType + "'");
            }
            OptimizerState state = new OptimizerState(type);
            int n = in.readInt();
            if (n < 0) {
                throw new IllegalArgumentException("corrupt optimizer state: negative entry count");
            }
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                byte kind = in.readByte();
                switch (kind) {
                    case TENSOR -> state.entries.put(key, Nd4j.read(in));
                    case LONG -> state.entries.put(key, in.readLong());
                    case DOUBLE -> state.entries.put(key, in.readDouble());
                    default -> throw new IllegalArgumentException("corrupt optimizer state: unknown entry kind " + kind);
                }
            }
            return state;
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt or truncated optimizer state: " + e.getMessage(), e);
        }
    }

    /** A view of this state whose keys are prefixed, so a transform can use short keys. */
    public Scope scope(String prefix) {
        return new Scope(this, prefix);
    }

    /** Prefixed access to an {@link OptimizerState}. */
    public record Scope(OptimizerState state, String prefix) {
        public Scope put(String key, INDArray t) {
            state.put(prefix + key, t);
            return this;
        }

        public Scope put(String key, long v) {
            state.put(prefix + key, v);
            return this;
        }

        public Scope put(String key, double v) {
            state.put(prefix + key, v);
            return this;
        }

        public boolean contains(String key) {
            return state.contains(prefix + key);
        }

        public INDArray tensor(String key, long... shape) {
            return state.tensor(prefix + key, shape);
        }

        public INDArray tensor(String key) {
            return state.tensor(prefix + key);
        }

        public long longValue(String key) {
            return state.longValue(prefix + key);
        }

        public double doubleValue(String key) {
            return state.doubleValue(prefix + key);
        }

        /** Parameter names that have entries under this scope, in order (keys look like {@code name/field}). */
        public java.util.List<String> parameterNames() {
            java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
            for (String k : state.keys()) {
                if (k.startsWith(prefix)) {
                    String rest = k.substring(prefix.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) {
                        names.add(rest.substring(0, slash));
                    }
                }
            }
            return java.util.List.copyOf(names);
        }
    }
}

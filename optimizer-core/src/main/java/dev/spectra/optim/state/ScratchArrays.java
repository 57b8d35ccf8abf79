package dev.spectra.optim.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reusable work arrays for the optimizer's hot path. Buffers are handed out by (dtype, shape,
 * order) and returned all at once by {@link #releaseAll()}, which the optimizer calls after each
 * parameter. After the first step no further allocation happens, and low-precision state needs
 * fp32 work copies only for the parameter being processed, not for all of them at once.
 *
 * <p>Contents of an acquired buffer are undefined: callers overwrite them.
 */
public final class ScratchArrays {

    private record Key(DataType type, char order, List<Long> shape) {
    }

    private final Map<Key, List<INDArray>> pool = new HashMap<>();
    private final Map<Key, Integer> inUse = new HashMap<>();

    /** A 'c'-ordered buffer. */
    public INDArray acquire(DataType type, long... shape) {
        return acquire(type, 'c', shape);
    }

    public INDArray acquire(DataType type, char order, long... shape) {
        Key key = new Key(type, order, Arrays.stream(shape).boxed().toList());
        List<INDArray> list = pool.computeIfAbsent(key, k -> new ArrayList<>());
        int used = inUse.getOrDefault(key, 0);
        if (used == list.size()) {
            list.add(Nd4j.createUninitialized(type, shape, order));
        }
        inUse.put(key, used + 1);
        return list.get(used);
    }

    /** Makes every buffer available again. */
    public void releaseAll() {
        inUse.clear();
    }

    /** Bytes held by the pool (transient scratch, reported separately from state). */
    public long bytes() {
        long total = 0;
        for (List<INDArray> l : pool.values()) {
            for (INDArray a : l) {
                total += a.length() * a.dataType().width();
            }
        }
        return total;
    }
}

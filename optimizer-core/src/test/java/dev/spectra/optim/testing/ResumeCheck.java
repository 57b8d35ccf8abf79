package dev.spectra.optim.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shared bit-exact resume check: train two copies N steps, export one, import into a fresh
 * optimizer, continue both M steps on the same gradients, require identical parameters.
 * Parameters cover the layouts optimizers must handle: a DL4J dense weight ('f'-ordered
 * [nIn, nOut]), a bias row [1, n] and a conv kernel [out, in, kh, kw].
 */
public final class ResumeCheck {

    private ResumeCheck() {
    }

    public static Map<String, INDArray> params(long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("0_W", Nd4j.randn(DataType.FLOAT, 6, 5).dup('f'));
        p.put("0_b", Nd4j.randn(DataType.FLOAT, 1, 5));
        p.put("1_W", Nd4j.randn(DataType.FLOAT, 4, 2, 2, 2));
        return p;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> p) {
        Map<String, INDArray> c = new LinkedHashMap<>();
        p.forEach((k, v) -> c.put(k, v.dup(v.ordering())));
        return c;
    }

    public static boolean allFinite(INDArray a) {
        for (double d : a.dup('c').data().asDouble()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** Runs the check and returns the final parameters of the uninterrupted run. */
    public static Map<String, INDArray> assertBitExactResume(OptimizerConfig cfg, int before, int after) {
        Map<String, INDArray> straightParams = params(11);
        Map<String, INDArray> splitParams = copy(straightParams);
        Nd4j.getRandom().setSeed(12);
        Function<Integer, Map<String, INDArray>> gradsAt = i -> {
            Nd4j.getRandom().setSeed(100 + i);
            Map<String, INDArray> g = new LinkedHashMap<>();
            straightParams.forEach((k, v) -> g.put(k, Nd4j.randn(DataType.FLOAT, v.shape())));
            return g;
        };
        Optimizer straight = cfg.create();
        Optimizer first = cfg.create();
        for (int i = 0; i < before; i++) {
            Map<String, INDArray> g = gradsAt.apply(i);
            straight.step(straightParams, g);
            first.step(splitParams, g);
        }
        Optimizer resumed = cfg.create();
        resumed.importState(first.exportState());
        assertThat(resumed.stepCount()).isEqualTo(before);
        assertThat(resumed.stateBytes()).isEqualTo(first.stateBytes());
        for (int i = before; i < before + after; i++) {
            Map<String, INDArray> g = gradsAt.apply(i);
            straight.step(straightParams, g);
            resumed.step(splitParams, g);
        }
        straightParams.forEach((k, v) -> {
            assertThat(allFinite(v)).as("%s finite (%s)", k, cfg.stateDtype()).isTrue();
            assertThat(splitParams.get(k).dup('c').data().asFloat())
                    .as("%s after resume, %s", k, cfg.stateDtype())
                    .containsExactly(v.dup('c').data().asFloat());
        });
        return straightParams;
    }
}

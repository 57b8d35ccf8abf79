package dev.spectra.optim.adamw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.StateDtype;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {

    /** Scalar AdamW written out by hand, the reference for every element. */
    private static double[] referenceAdamW(double[] w, double[][] grads, double lr, double b1, double b2,
                                           double eps, double wd) {
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[] x = w.clone();
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mh = m[i] / (1 - Math.pow(b1, t));
                double vh = v[i] / (1 - Math.pow(b2, t));
                x[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * x[i]);
            }
        }
        return x;
    }

    @Test
    void matchesHandWrittenAdamWOnMatrixAndBias() {
        AdamWConfig cfg = new AdamWConfig(0.01, 0.9, 0.99, 1e-8, 0.1, true, StateDtype.FLOAT64);
        Optimizer opt = cfg.create();
        Random rnd = new Random(1);
        int steps = 20;
        INDArray w = Nd4j.rand(DataType.DOUBLE, 3, 4).dup('f'); // DL4J dense weights are 'f'-ordered
        INDArray b = Nd4j.rand(DataType.DOUBLE, 1, 4);
        double[] w0 = w.dup('c').data().asDouble();
        double[] b0 = b.data().asDouble();
        double[][] gw = new double[steps][12];
        double[][] gb = new double[steps][4];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < 12; i++) {
                gw[t][i] = rnd.nextGaussian();
            }
            for (int i = 0; i < 4; i++) {
                gb[t][i] = rnd.nextGaussian();
            }
            Map<String, INDArray> params = new LinkedHashMap<>();
            params.put("0_W", w);
            params.put("0_b", b);
            opt.step(params, Map.of(
                    "0_W", Nd4j.create(gw[t], new long[] {3, 4}, DataType.DOUBLE),
                    "0_b", Nd4j.create(gb[t], new long[] {1, 4}, DataType.DOUBLE)));
        }
        double[] ew = referenceAdamW(w0, gw, 0.01, 0.9, 0.99, 1e-8, 0.1);
        double[] eb = referenceAdamW(b0, gb, 0.01, 0.9, 0.99, 1e-8, 0.1);
        double[] gotW = w.dup('c').data().asDouble();
        for (int i = 0; i < 12; i++) {
            assertThat(gotW[i]).as("W[%d]", i).isCloseTo(ew[i], within(1e-12));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(b.getDouble(0, i)).isCloseTo(eb[i], within(1e-12));
        }
        assertThat(opt.stepCount()).isEqualTo(steps);
        assertThat(opt.stateBytes()).isEqualTo(2L * (12 + 4) * 8);
    }

    @Test
    void exportImportContinuesBitIdentically() {
        for (StateDtype dtype : StateDtype.values()) {
            AdamWConfig cfg = AdamWConfig.defaults().withStateDtype(dtype).withWeightDecay(0.01);
            Nd4j.getRandom().setSeed(7);
            INDArray w1 = Nd4j.rand(DataType.FLOAT, 5, 6);
            INDArray w2 = w1.dup();
            INDArray[] grads = new INDArray[20];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = Nd4j.randn(DataType.FLOAT, 5, 6);
            }
            Optimizer straight = cfg.create();
            Optimizer first = cfg.create();
            for (int i = 0; i < 10; i++) {
                straight.step(Map.of("w", w1), Map.of("w", grads[i]));
                first.step(Map.of("w", w2), Map.of("w", grads[i]));
            }
            Optimizer resumed = cfg.create();
            resumed.importState(first.exportState());
            assertThat(resumed.stepCount()).isEqualTo(10);
            for (int i = 10; i < 20; i++) {
                straight.step(Map.of("w", w1), Map.of("w", grads[i]));
                resumed.step(Map.of("w", w2), Map.of("w", grads[i]));
            }
            assertThat(w2.data().asFloat()).as("dtype %s", dtype).containsExactly(w1.data().asFloat());
        }
    }

    @Test
    void rejectsStateOfAnotherOptimizerAndMissingOrMisshapenGradients() {
        Optimizer opt = AdamWConfig.defaults().create();
        INDArray w = Nd4j.zeros(DataType.FLOAT, 2, 2);
        assertThatThrownBy(() -> opt.step(Map.of("w", w), Map.of()))
                .hasMessageContaining("no gradient for parameter 'w'");
        assertThatThrownBy(() -> opt.step(Map.of("w", w), Map.of("w", Nd4j.zeros(DataType.FLOAT, 2, 3))))
                .hasMessageContaining("gradient of 'w' has shape [2, 3] but the parameter has [2, 2]");
        assertThatThrownBy(() -> opt.importState(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .hasMessageContaining("not a Spectra optimizer state");
        byte[] foreign = new dev.spectra.optim.state.OptimizerState("muon").put("step", 3L).toBytes();
        assertThatThrownBy(() -> opt.importState(foreign))
                .hasMessageContaining("saved by 'muon' and cannot be loaded into 'adamw'");
    }
}

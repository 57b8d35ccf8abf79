package dev.spectra.optim.train;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.FashionMnist;
import dev.spectra.optim.model.ActivationFunction;
import dev.spectra.optim.model.MlpSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The quality-bar benchmark of issue 2 (not a test): MLP 784-256-128-10 (ReLU, softmax) on the
 * full Fashion-MNIST split, per-epoch test accuracy, wall-clock and samples/s; optionally the
 * training-loop overhead against DL4J's own {@code fit()} with its Adam updater on the same MLP.
 *
 * <pre>
 * export OMP_NUM_THREADS=1
 * ./mvnw -q -o -pl optimizer-core compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -Xmx6g -cp optimizer-core/target/classes:$(cat optimizer-core/target/classpath.txt) \
 *     dev.spectra.optim.train.FashionMnistBenchmark --optimizer='{"type":"adamw","lr":0.001}' --epochs=10
 * </pre>
 *
 * Options (all {@code --name=value}): {@code optimizer} (optimizer spec as JSON), {@code epochs}
 * (10), {@code batch} (128), {@code seed} (42), {@code hidden} (256,128), {@code schedule}
 * (constant | cosine | linear, default constant), {@code warmup} (warm-up steps, 0),
 * {@code target} (accuracy to report reaching, 0.89), {@code overheadRounds} (0 = skip the
 * loop-vs-fit comparison; each round trains 40 steps with each variant, alternating),
 * {@code trainLimit} (first N training examples, for quick runs).
 */
public final class FashionMnistBenchmark {

    /** Steps per overhead measurement (one short epoch). */
    private static final int OVERHEAD_STEPS = 40;

    private FashionMnistBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parseArgs(args);
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "10"));
        int batch = Integer.parseInt(opt.getOrDefault("batch", "128"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        double target = Double.parseDouble(opt.getOrDefault("target", "0.89"));
        int overheadRounds = Integer.parseInt(opt.getOrDefault("overheadRounds", "0"));
        List<Integer> hidden = Arrays.stream(opt.getOrDefault("hidden", "256,128").split(",")).map(String::trim)
                .map(Integer::valueOf).toList();
        ScheduleConfig schedule = new ScheduleConfig(
                ScheduleConfig.Type.valueOf(opt.getOrDefault("schedule", "constant").toUpperCase(Locale.ROOT)),
                Long.parseLong(opt.getOrDefault("warmup", "0")), 0.0);
        @SuppressWarnings("unchecked")
        Map<String, Object> optimizerSpec = new ObjectMapper().readValue(
                opt.getOrDefault("optimizer", "{\"type\":\"adamw\",\"lr\":0.001}"), Map.class);
        OptimizerConfig optimizerConfig = Optimizers.parse(optimizerSpec);

        System.out.printf("OMP_NUM_THREADS=%s, cores=%d, java %s%n", System.getenv("OMP_NUM_THREADS"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        FashionMnist fm = new FashionMnist();
        Dataset train = fm.train();
        Dataset test = fm.test();
        if (opt.containsKey("trainLimit")) {
            train = train.firstN(Integer.parseInt(opt.get("trainLimit")));
        }
        System.out.printf("data: %s, %s (from %s)%n", train, test, fm.directory());
        System.out.printf("model: MLP 784-%s-10 ReLU/softmax; optimizer: %s; epochs %d, batch %d, seed %d, schedule %s%n",
                hidden.stream().map(String::valueOf).reduce((a, b) -> a + "-" + b).orElse(""),
                optimizerConfig.toSpec(), epochs, batch, seed, schedule);

        TrainingConfig config = TrainingConfig.defaults().withEpochs(epochs).withBatchSize(batch).withSeed(seed)
                .withSchedule(schedule);
        TrainableModel model = new MlpSpec(0, hidden, ActivationFunction.RELU, 0, 0)
                .forData(train.featureWidth(), train.numClasses()).build(NetworkDtype.FLOAT32, seed);
        Trainer trainer = new Trainer(model, optimizerConfig.create(), config);
        int examples = train.size();
        long start = System.nanoTime();
        double[] optimizerSeconds = new double[1];
        double[] reached = {-1};
        trainer.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                optimizerSeconds[0] += m.optimizerSeconds();
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                double wall = (System.nanoTime() - start) / 1e9;
                if (reached[0] < 0 && m.testAccuracy() >= target) {
                    reached[0] = m.epoch() + 1;
                }
                System.out.printf("epoch %2d  test acc %.4f  test loss %.4f  train loss %.4f  epoch %.1f s"
                                + "  %.0f samples/s  (optimizer %.0f%% of step time)  wall %.1f s%n",
                        m.epoch() + 1, m.testAccuracy(), m.testLoss(), m.trainLoss(), m.epochSeconds(),
                        examples / m.epochSeconds(), 100 * optimizerSeconds[0] / m.epochSeconds(), wall);
                optimizerSeconds[0] = 0;
            }
        });
        TrainingResult result = trainer.fit(train, test);
        System.out.printf("final test accuracy %.4f after %d epochs, wall-clock %.1f s; target %.2f %s%n",
                result.lastEpoch().testAccuracy(), epochs, result.seconds(), target,
                reached[0] > 0 ? "first reached in epoch " + (int) reached[0] : "NOT reached");

        if (overheadRounds > 0) {
            compareWithDl4jFit(train, hidden, batch, seed, overheadRounds);
        }
    }

    /**
     * Samples/s of one training epoch through {@link Trainer} against DL4J's own {@code fit()} on
     * the same MLP and the same minibatches (same gather code), excluding evaluation from both.
     * Two pairs, alternated within each round so machine load affects all alike: Spectra AdamW vs
     * DL4J's fused Adam updater (what a user compares), and plain SGD on both sides (isolates the
     * loop: forward/backward, gradient views, update application).
     */
    private static void compareWithDl4jFit(Dataset train, List<Integer> hidden, int batch, long seed, int rounds) {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String k : List.of("spectra-adamw", "dl4j-adam", "spectra-sgd", "dl4j-sgd")) {
            rates.put(k, new ArrayList<>());
        }
        double lr = 1e-3;
        // Short measurements, many times, interleaved: on a shared machine load drifts over seconds,
        // so fine interleaving plus medians compares like with like. Round 0 warms up and is dropped.
        train = train.firstN(Math.min(train.size(), OVERHEAD_STEPS * batch));
        for (int r = -1; r < rounds; r++) {
            if (r < 0) {
                spectraLoop(train, hidden, batch, seed, new PlainSgd(lr));
                dl4jFit(train, hidden, batch, seed, new Sgd(lr));
                continue;
            }
            rates.get("spectra-adamw").add(spectraLoop(train, hidden, batch, seed,
                    Optimizers.create(Map.of("type", "adamw", "lr", lr))));
            rates.get("dl4j-adam").add(dl4jFit(train, hidden, batch, seed, new Adam(lr)));
            rates.get("spectra-sgd").add(spectraLoop(train, hidden, batch, seed, new PlainSgd(lr)));
            rates.get("dl4j-sgd").add(dl4jFit(train, hidden, batch, seed, new Sgd(lr)));
            int round = r;
            System.out.printf("overhead round %d: %s%n", r + 1, String.join(", ", rates.entrySet().stream()
                    .map(e -> String.format("%s %.0f samples/s", e.getKey(), e.getValue().get(round))).toList()));
        }
        double adamLoop = median(rates.get("spectra-adamw"));
        double adamFit = median(rates.get("dl4j-adam"));
        double sgdLoop = median(rates.get("spectra-sgd"));
        double sgdFit = median(rates.get("dl4j-sgd"));
        System.out.printf("median of %d rounds of " + OVERHEAD_STEPS + " steps: Spectra loop + AdamW %.0f vs DL4J fit() + Adam %.0f samples/s (ratio %.3f);"
                + " SGD on both: Spectra loop %.0f vs DL4J fit() %.0f samples/s (ratio %.3f)%n",
                rounds, adamLoop, adamFit, adamLoop / adamFit, sgdLoop, sgdFit, sgdLoop / sgdFit);
    }

    /** Training samples/s of one epoch through the Spectra loop (sum of step times, no evaluation). */
    private static double spectraLoop(Dataset train, List<Integer> hidden, int batch, long seed, Optimizer optimizer) {
        TrainableModel model = new MlpSpec(0, hidden, ActivationFunction.RELU, 0, 0)
                .forData(train.featureWidth(), train.numClasses()).build(NetworkDtype.FLOAT32, seed);
        double[] stepSeconds = new double[1];
        Trainer trainer = new Trainer(model, optimizer, TrainingConfig.defaults().withBatchSize(batch).withSeed(seed));
        trainer.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                stepSeconds[0] += m.stepSeconds();
            }
        });
        trainer.fit(train, train.firstN(batch));
        return train.size() / stepSeconds[0];
    }

    /** Training samples/s of one epoch of DL4J's {@code fit()} with {@code updater}, fed by the same sampler. */
    private static double dl4jFit(Dataset train, List<Integer> hidden, int batch, long seed, IUpdater updater) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed)
                .updater(updater).weightInit(WeightInit.RELU).activation(Activation.RELU).list();
        for (int h : hidden) {
            list.layer(new DenseLayer.Builder().nOut(h).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(train.numClasses())
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(train.featureWidth())).build());
        net.init();
        MinibatchSampler sampler = new MinibatchSampler(train, batch, seed, DataType.FLOAT);
        sampler.startEpoch(0);
        long t0 = System.nanoTime();
        for (int b = 0; b < sampler.stepsPerEpoch(); b++) {
            sampler.load(b);
            net.fit(sampler.features(), sampler.labels());
        }
        return train.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** w -= lr * g with one BLAS axpy per parameter: the cheapest update, to isolate loop cost. */
    private static final class PlainSgd implements Optimizer {
        private final double lr;
        private long steps;

        PlainSgd(double lr) {
            this.lr = lr;
        }

        @Override
        public void step(Map<String, INDArray> params, Map<String, INDArray> grads) {
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                INDArray g = grads.get(e.getKey());
                Nd4j.getBlasWrapper().level1().axpy(g.length(), -lr, g, e.getValue());
            }
            steps++;
        }

        @Override
        public OptimizerConfig config() {
            return Optimizers.defaults("adamw");
        }

        @Override
        public long stepCount() {
            return steps;
        }

        @Override
        public double currentLearningRate() {
            return lr;
        }

        @Override
        public void setSchedule(dev.spectra.optim.chain.LearningRateSchedule schedule) {
        }

        @Override
        public byte[] exportState() {
            return new byte[0];
        }

        @Override
        public void importState(byte[] state) {
        }

        @Override
        public List<dev.spectra.optim.FactorDiagnostics> diagnostics() {
            return List.of();
        }

        @Override
        public long stateBytes() {
            return 0;
        }
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options are --name=value, got '" + a + "'");
            }
            out.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return out;
    }
}

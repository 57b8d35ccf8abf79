package dev.spectra.optim.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spectra.optim.FactorDiagnostics;
import dev.spectra.optim.Optimizer;
import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.adamw.AdamWConfig;
import dev.spectra.optim.chain.LearningRateSchedule;
import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.DatasetSplit;
import dev.spectra.optim.data.SyntheticDatasets;
import dev.spectra.optim.model.ActivationFunction;
import dev.spectra.optim.model.MlpSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class TrainerTest {

    private static final DatasetSplit BLOBS = SyntheticDatasets.split(SyntheticDatasets.BLOBS, 600, 200, 7);
    private static final AdamWConfig ADAM = AdamWConfig.defaults().withLr(0.01);

    private static TrainableModel mlp(double dropout, NetworkDtype dtype, long seed) {
        return new MlpSpec(0, List.of(16, 16), ActivationFunction.RELU, dropout, 0).forData(8, 4).build(dtype, seed);
    }

    private static ComputationGraph graph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(8).nOut(16).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static TrainingConfig config(int epochs, int batch) {
        return TrainingConfig.defaults().withEpochs(epochs).withBatchSize(batch).withSeed(11);
    }

    /** Records every step and epoch. */
    private static final class Recorder implements TrainingListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EpochMetrics> epochs = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m);
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            epochs.add(m);
        }
    }

    @Test
    void trainsMultiLayerNetworkAndReportsEveryStepAndEpoch() {
        Recorder rec = new Recorder();
        Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(3, 32)).addListener(rec);
        TrainingResult result = trainer.fit(BLOBS.train(), BLOBS.test());

        long perEpoch = (600 + 31) / 32; // 19 steps, the last one of 24 examples
        assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
        assertThat(result.steps()).isEqualTo(3 * perEpoch);
        assertThat(rec.steps).hasSize((int) (3 * perEpoch));
        for (int i = 0; i < rec.steps.size(); i++) {
            StepMetrics m = rec.steps.get(i);
            assertThat(m.step()).isEqualTo(i + 1);
            assertThat(m.epoch()).isEqualTo(i / perEpoch);
            assertThat(m.totalSteps()).isEqualTo(3 * perEpoch);
            assertThat(m.loss()).isFinite().isPositive();
            assertThat(m.learningRate()).isEqualTo(0.01);
            assertThat(m.optimizerSeconds()).isPositive().isLessThanOrEqualTo(m.stepSeconds());
            int batch = (i % perEpoch) == perEpoch - 1 ? 24 : 32;
            assertThat(m.samplesPerSecond()).isCloseTo(batch / m.stepSeconds(), within(1e-6 * batch / m.stepSeconds()));
        }
        assertThat(rec.epochs).extracting(EpochMetrics::epoch).containsExactly(0, 1, 2);
        EpochMetrics last = rec.epochs.get(2);
        assertThat(last.step()).isEqualTo(3 * perEpoch);
        assertThat(last.testAccuracy()).as("4 well separated blobs").isGreaterThan(0.95);
        assertThat(last.testLoss()).isLessThan(rec.epochs.get(0).testLoss());
        assertThat(last.trainLoss()).isCloseTo(rec.steps.subList((int) (2 * perEpoch), (int) (3 * perEpoch)).stream()
                .mapToDouble(StepMetrics::loss).average().orElseThrow(), within(1e-12));
        assertThat(result.lastEpoch()).isEqualTo(last);
    }

    @Test
    void trainsComputationGraph() {
        Recorder rec = new Recorder();
        ComputationGraph g = graph(3);
        Trainer trainer = new Trainer(g, ADAM.create(), config(3, 50)).addListener(rec);
        assertThat(trainer.model().trainableParameters()).containsOnlyKeys("hidden_W", "hidden_b", "out_W", "out_b");
        INDArray before = g.params().dup();
        TrainingResult result = trainer.fit(BLOBS.train(), BLOBS.test());
        assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
        assertThat(result.steps()).isEqualTo(36);
        assertThat(g.params()).isNotEqualTo(before); // updated in place, through the views
        assertThat(result.lastEpoch().testAccuracy()).isGreaterThan(0.95);
    }

    /** Keeps a copy of every gradient it is given; never changes the parameters. */
    private static final class RecordingOptimizer implements Optimizer {
        final List<Map<String, INDArray>> grads = new ArrayList<>();
        long steps;

        @Override
        public OptimizerConfig config() {
            return ADAM;
        }

        @Override
        public void step(Map<String, INDArray> params, Map<String, INDArray> g) {
            Map<String, INDArray> copy = new LinkedHashMap<>();
            params.keySet().forEach(k -> copy.put(k, g.get(k).dup()));
            grads.add(copy);
            steps++;
        }

        @Override
        public long stepCount() {
            return steps;
        }

        @Override
        public double currentLearningRate() {
            return 0;
        }

        @Override
        public void setSchedule(LearningRateSchedule schedule) {
        }

        @Override
        public byte[] exportState() {
            return new byte[0];
        }

        @Override
        public void importState(byte[] state) {
        }

        @Override
        public List<FactorDiagnostics> diagnostics() {
            return List.of();
        }

        @Override
        public long stateBytes() {
            return 0;
        }
    }

    @Test
    void optimizerReceivesTheMeanGradientOverTheMinibatch() {
        Dataset ten = BLOBS.train().firstN(10);
        TrainableModel model = mlp(0, NetworkDtype.FLOAT64, 2);
        RecordingOptimizer rec = new RecordingOptimizer();
        new Trainer(model, rec, TrainingConfig.defaults().withBatchSize(10).withNetworkDtype(NetworkDtype.FLOAT64))
                .fit(ten, ten);
        Map<String, INDArray> batchMean = rec.grads.get(0);
        assertThat(batchMean).containsOnlyKeys("0_W", "0_b", "1_W", "1_b", "2_W", "2_b");

        // Reference: DL4J's gradient of each single example, averaged by hand.
        Map<String, INDArray> sum = new HashMap<>();
        MultiLayerNetwork net = (MultiLayerNetwork) model.network();
        for (int i = 0; i < 10; i++) {
            INDArray x = ten.features().getRow(i, true).castTo(DataType.DOUBLE);
            INDArray y = ten.labels().getRow(i, true).castTo(DataType.DOUBLE);
            model.computeGradientAndScore(x, y);
            model.gradients().forEach((k, g) -> sum.merge(k, g.dup(), INDArray::addi));
        }
        for (String k : batchMean.keySet()) {
            INDArray expected = sum.get(k).divi(10);
            double scale = expected.norm2Number().doubleValue();
            assertThat(batchMean.get(k).sub(expected).norm2Number().doubleValue()).as(k).isLessThan(1e-12 * (1 + scale));
        }
        assertThat(net.params()).isNotNull();
    }

    private static float[] paramsOf(TrainableModel m) {
        return m.network().params().dup().data().asFloat();
    }

    @Test
    void resumeFromCheckpointContinuesBitIdentically() {
        // dropout makes the per-step RNG matter; every 7 steps lands mid-epoch, every 19 on epoch ends
        for (int every : new int[] {7, 19}) {
            TrainingConfig cfg = config(2, 32).withCheckpointEverySteps(every);
            List<TrainingCheckpoint> saved = new ArrayList<>();
            Recorder full = new Recorder();
            Trainer a = new Trainer(mlp(0.2, NetworkDtype.FLOAT32, 5), ADAM.create(), cfg)
                    .addListener(full).checkpointHook(saved::add);
            a.fit(BLOBS.train(), BLOBS.test());
            assertThat(saved).extracting(TrainingCheckpoint::step)
                    .containsExactlyElementsOf(every == 7 ? List.of(7L, 14L, 21L, 28L, 35L, 38L) : List.of(19L, 38L));

            TrainingCheckpoint at = TrainingCheckpoint.fromBytes(saved.get(every == 7 ? 1 : 0).toBytes());
            assertThat(at.epoch()).isEqualTo(every == 7 ? 0 : 1);
            assertThat(at.batchInEpoch()).isEqualTo(every == 7 ? 14 : 0);
            Recorder resumed = new Recorder();
            Trainer b = new Trainer(mlp(0.2, NetworkDtype.FLOAT32, 999), ADAM.create(), cfg)
                    .addListener(resumed).resumeFrom(at);
            TrainingResult r = b.fit(BLOBS.train(), BLOBS.test());

            assertThat(r.steps()).isEqualTo(38);
            assertThat(paramsOf(b.model())).as("every %d", every).containsExactly(paramsOf(a.model()));
            assertThat(resumed.steps).extracting(StepMetrics::loss)
                    .containsExactlyElementsOf(full.steps.subList((int) at.step(), 38).stream().map(StepMetrics::loss).toList());
            EpochMetrics lastA = full.epochs.get(1);
            EpochMetrics lastB = resumed.epochs.get(resumed.epochs.size() - 1);
            assertThat(lastB.trainLoss()).isEqualTo(lastA.trainLoss());
            assertThat(lastB.testLoss()).isEqualTo(lastA.testLoss());
            assertThat(lastB.testAccuracy()).isEqualTo(lastA.testAccuracy());
        }
    }

    @Test
    void resumeRejectsACheckpointOfADifferentRun() {
        List<TrainingCheckpoint> saved = new ArrayList<>();
        new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(1, 32)).checkpointHook(saved::add)
                .fit(BLOBS.train(), BLOBS.test());
        TrainingCheckpoint cp = saved.get(0);
        assertThatThrownBy(() -> new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(2, 32).withSeed(12))
                .resumeFrom(cp))
                .isInstanceOfSatisfying(TrainingException.class,
                        e -> assertThat(e.reason()).isEqualTo(TrainingException.Reason.CHECKPOINT_MISMATCH))
                .hasMessageContaining("seed 11").hasMessageContaining("seed 12");
        Trainer other = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(2, 32)).resumeFrom(cp);
        assertThatThrownBy(() -> other.fit(BLOBS.train().firstN(300), BLOBS.test()))
                .isInstanceOf(TrainingException.class).hasMessageContaining("600 examples").hasMessageContaining("300");
        TrainableModel wider = new MlpSpec(8, List.of(32), ActivationFunction.RELU, 0, 4).build(NetworkDtype.FLOAT32, 1);
        assertThatThrownBy(() -> new Trainer(wider, ADAM.create(), config(2, 32)).resumeFrom(cp))
                .isInstanceOf(TrainingException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> TrainingCheckpoint.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Spectra training checkpoint");
        byte[] cut = java.util.Arrays.copyOf(cp.toBytes(), 100);
        assertThatThrownBy(() -> TrainingCheckpoint.fromBytes(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void cancelFromTheListenerStopsBeforeTheNextStep() {
        Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(5, 32));
        trainer.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 5) {
                    trainer.cancel();
                }
            }
        });
        TrainingResult r = trainer.fit(BLOBS.train(), BLOBS.test());
        assertThat(r.status()).isEqualTo(TrainingResult.Status.CANCELLED);
        assertThat(r.steps()).isEqualTo(5);
        assertThat(r.lastEpoch()).isNull();
        TrainingCheckpoint cp = trainer.checkpoint(); // a cancelled run can be checkpointed and resumed later
        assertThat(cp.step()).isEqualTo(5);
        assertThat(cp.batchInEpoch()).isEqualTo(5);
    }

    @Test
    void cancelFromAnotherThreadTakesEffectWithinOneStep() throws Exception {
        Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(50, 16));
        CountDownLatch started = new CountDownLatch(1);
        List<Long> stepsAfterCancel = new ArrayList<>();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                started.countDown();
                if (trainer.isCancelled()) {
                    stepsAfterCancel.add(m.step());
                }
            }
        });
        Thread canceller = new Thread(() -> {
            try {
                started.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            trainer.cancel();
        });
        canceller.start();
        TrainingResult r = trainer.fit(BLOBS.train(), BLOBS.test());
        canceller.join();
        assertThat(r.status()).isEqualTo(TrainingResult.Status.CANCELLED);
        assertThat(r.steps()).isLessThan(50L * 38);
        assertThat(stepsAfterCancel).as("at most the step in flight completes after cancel()").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void rejectsDataThatDoesNotFitTheNetworkOrTheConfig() {
        Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(1, 32));
        assertThatThrownBy(() -> trainer.fit(BLOBS.train().firstN(20), BLOBS.test()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize 32 is larger than the training set").hasMessageContaining("20 examples");
        DatasetSplit xor = SyntheticDatasets.split(SyntheticDatasets.XOR, 100, 50, 1);
        assertThatThrownBy(() -> trainer.fit(xor.train(), xor.test()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 features per example but the network's input layer takes 8");
        Dataset threeClasses = Dataset.of("three", BLOBS.train().features(), new int[600], 3);
        assertThatThrownBy(() -> trainer.fit(threeClasses, BLOBS.test()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3 classes but the network's output layer has 4 outputs");
    }

    @Test
    void divergenceStopsWithAClearReason() {
        INDArray x = BLOBS.train().features().dup();
        x.putScalar(40, 3, Float.NaN); // example 40 lands in some minibatch of the first epoch
        Dataset broken = new Dataset("broken", x, BLOBS.train().labels());
        Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(1, 32));
        assertThatThrownBy(() -> trainer.fit(broken, BLOBS.test()))
                .isInstanceOfSatisfying(TrainingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(TrainingException.Reason.DIVERGED);
                    assertThat(e.step()).isPositive();
                })
                .hasMessageContaining("training diverged: loss is").hasMessageContaining("lower the learning rate");
    }

    @Test
    void learningRateFollowsTheScheduleOverTheWholeRun() {
        ScheduleConfig cosine = new ScheduleConfig(ScheduleConfig.Type.COSINE, 5, 0.1);
        Recorder rec = new Recorder();
        new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(), config(2, 32).withSchedule(cosine)).addListener(rec)
                .fit(BLOBS.train(), BLOBS.test());
        LearningRateSchedule expected = cosine.toSchedule(38);
        for (StepMetrics m : rec.steps) {
            assertThat(m.learningRate()).isCloseTo(0.01 * expected.multiplier(m.step()), within(1e-15));
        }
        assertThat(rec.steps.get(0).learningRate()).isCloseTo(0.002, within(1e-15));
        assertThat(rec.steps.get(37).learningRate()).isCloseTo(0.001, within(1e-12));
    }

    @Test
    void convertsTheNetworkToTheConfiguredPrecision() {
        for (NetworkDtype dtype : NetworkDtype.values()) {
            // built in float32 and converted by the trainer, including fp16 (see HALF_SOFTMAX_CLIP)
            Trainer trainer = new Trainer(mlp(0, NetworkDtype.FLOAT32, 1), ADAM.create(),
                    config(3, 32).withNetworkDtype(dtype));
            assertThat(trainer.model().dataType()).isEqualTo(dtype.dataType());
            TrainingResult r = trainer.fit(BLOBS.train(), BLOBS.test());
            assertThat(r.lastEpoch().testAccuracy()).as("%s", dtype).isGreaterThan(0.9);
            assertThat(trainer.model().network().params().dataType()).isEqualTo(dtype.dataType());
        }
    }

    @Test
    void batchNormStatisticsAreUpdatedBesideTheOptimizer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp())
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(16).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().nOut(16).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        Trainer trainer = new Trainer(net, ADAM.create(), config(2, 32));
        assertThat(trainer.model().trainableParameters()).containsOnlyKeys("0_W", "0_b", "1_gamma", "1_beta", "2_W", "2_b");
        assertThat(trainer.model().statisticParameters()).containsOnlyKeys("1_mean", "1_log10stdev");
        TrainingResult r = trainer.fit(BLOBS.train(), BLOBS.test());
        INDArray runningMean = net.paramTable().get("1_mean");
        assertThat(runningMean.sumNumber().doubleValue()).as("running mean of ReLU outputs moved off its initial 0")
                .isPositive();
        assertThat(net.paramTable().get("1_log10stdev").sumNumber().doubleValue()).isNotZero();
        assertThat(r.lastEpoch().testAccuracy()).isGreaterThan(0.95);
    }

    @Test
    void rejectsWhatItCannotTrain() {
        assertThatThrownBy(() -> TrainableModel.of(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MultiLayerNetwork or a ComputationGraph");
        MultiLayerNetwork notInit = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder().nIn(2).nOut(2).build()).build());
        assertThatThrownBy(() -> TrainableModel.of(notInit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not initialized");
        assertThatThrownBy(() -> new TrainingConfig(0, -1, 1, 0, -2, ScheduleConfig.defaults()))
                .hasMessageContaining("epochs must be > 0").hasMessageContaining("batchSize must be > 0")
                .hasMessageContaining("evalEveryEpochs").hasMessageContaining("checkpointEverySteps");
        assertThatThrownBy(() -> NetworkDtype.parse("bfloat16")).hasMessageContaining("do not run in bfloat16");
        assertThat(NetworkDtype.parse("FP16")).isEqualTo(NetworkDtype.FLOAT16);
    }
}

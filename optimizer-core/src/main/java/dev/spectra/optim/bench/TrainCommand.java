package dev.spectra.optim.bench;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.StateDtype;
import dev.spectra.optim.bench.report.LinePlot;
import dev.spectra.optim.bench.report.SeriesTable;
import dev.spectra.optim.bench.report.Timer;
import dev.spectra.optim.chain.ScheduleConfig;
import dev.spectra.optim.data.Dataset;
import dev.spectra.optim.data.DatasetSplit;
import dev.spectra.optim.data.FashionMnist;
import dev.spectra.optim.model.ModelSpec;
import dev.spectra.optim.model.ModelSpecs;
import dev.spectra.optim.train.EpochMetrics;
import dev.spectra.optim.train.NetworkDtype;
import dev.spectra.optim.train.StepMetrics;
import dev.spectra.optim.train.Trainer;
import dev.spectra.optim.train.TrainingConfig;
import dev.spectra.optim.train.TrainingListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fig. 4 in spirit: Fashion-MNIST with each optimizer through the Spectra training loop, on the
 * MLP 784-256-128-10 and the CNN (2 conv + pooling + dense), with fp32 and bf16 optimizer state.
 * Reports per-epoch test accuracy, seconds per epoch and the median step and optimizer times.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fashion-MNIST MLP/CNN training with each optimizer, fp32 and bf16 state (paper Fig. 4 in spirit).")
final class TrainCommand extends BenchCommand {

    @Option(names = "--models", split = ",", description = "mlp and/or cnn (default: mlp; --full: mlp,cnn)")
    List<String> models;

    @Option(names = "--optimizers", split = ",", description = "optimizers (default: ${DEFAULT-VALUE})",
            defaultValue = "adamw,muon,shampoo,soap,kron-spectral")
    List<String> optimizers;

    @Option(names = "--state-dtypes", split = ",", description = "optimizer state precisions (default: ${DEFAULT-VALUE})",
            defaultValue = "float32,bfloat16")
    List<String> stateDtypes;

    @Option(names = "--epochs", description = "epochs (default: 1; --full: 10)")
    Integer epochs;

    @Option(names = "--train-size", description = "training examples, stratified (default: 6000; --full: 60000)")
    Integer trainSize;

    @Option(names = "--test-size", description = "test examples, stratified (default: 1000; --full: 10000)")
    Integer testSize;

    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})", defaultValue = "128")
    int batch;

    @Option(names = "--interval", description = "preconditioner/curvature interval T for shampoo, soap and the "
            + "spectral optimizers (default: each optimizer's own)")
    Integer interval;

    @Option(names = "--schedule", description = "learning-rate schedule: constant | cosine | linear "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "cosine")
    String schedule;

    @Option(names = "--warmup", description = "linear learning-rate warm-up in steps (default: ${DEFAULT-VALUE})",
            defaultValue = "0")
    long warmup;

    @Option(names = "--validation", description = "hold out this many stratified training examples and report "
            + "accuracy on them instead of the test set, for tuning without looking at the test set (default: off)")
    Integer validation;

    @Option(names = "--hp", description = "hyperparameter override TYPE.FIELD=VALUE, e.g. kron-spectral.lr=0.002 "
            + "(repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--interleave", description = "time the runs of a model side by side: each trains in turn for T "
            + "steps (--interval, else 10) on its own thread, one at a time, so load changes on a shared machine hit "
            + "all alike; results are identical, only the timing differs")
    boolean interleave;

    @Option(names = "--data-dir", description = "Fashion-MNIST IDX directory (default: the Debian package's)")
    java.nio.file.Path dataDir;

    private List<String> models() {
        return models != null ? models : full ? List.of("mlp", "cnn") : List.of("mlp");
    }

    private int epochs() {
        return epochs != null ? epochs : full ? 10 : 1;
    }

    private int trainSize() {
        return trainSize != null ? trainSize : full ? 60000 : 6000;
    }

    private int testSize() {
        return testSize != null ? testSize : full ? 10000 : 1000;
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("models", models());
        m.put("optimizers", optimizers);
        m.put("stateDtypes", stateDtypes);
        m.put("epochs", epochs());
        m.put("trainSize", trainSize());
        if (validation == null) { // with a hold-out the test set is not read at all
            m.put("testSize", testSize());
        }
        m.put("batch", batch);
        m.put("interval", interval == null ? "optimizer default" : interval);
        m.put("schedule", schedule);
        m.put("warmupSteps", warmup);
        m.put("evaluatedOn", validation == null ? "test" : "validation (" + validation + " held out of the training examples)");
        m.put("interleave", interleave);
        m.put("overrides", overrides);
        m.put("networkDtype", "float32");
        return m;
    }

    /** {@code type -> field -> value} from the --hp options. */
    private Map<String, Map<String, Object>> parseOverrides() {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (String o : overrides) {
            int dot = o.indexOf('.');
            int eq = o.indexOf('=');
            if (dot < 1 || eq < dot + 2 || eq == o.length() - 1) {
                throw new IllegalArgumentException("--hp must look like TYPE.FIELD=VALUE but was '" + o + "'");
            }
            out.computeIfAbsent(o.substring(0, dot), k -> new HashMap<>()).put(o.substring(dot + 1, eq), o.substring(eq + 1));
        }
        return out;
    }

    @Override
    protected void run() {
        Checks.require(epochs() >= 1, "--epochs must be >= 1 but was " + epochs());
        Checks.require(batch >= 1, "--batch must be >= 1 but was " + batch);
        Checks.require(interval == null || interval >= 1, "--interval must be >= 1 but was " + interval);
        Checks.require(warmup >= 0, "--warmup must be >= 0 but was " + warmup);
        Checks.require(validation == null || (validation >= 1 && validation < trainSize()),
                "--validation must be in [1, --train-size) = [1, " + trainSize() + ") but was " + validation);
        ScheduleConfig scheduleConfig;
        try {
            scheduleConfig = new ScheduleConfig(ScheduleConfig.Type.valueOf(schedule.trim().toUpperCase(java.util.Locale.ROOT)), warmup, 0.0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schedule must be constant, cosine or linear but was '" + schedule + "'");
        }
        List<String> types = OptimizerSpecs.registered(optimizers, false);
        Map<String, Map<String, Object>> hp = parseOverrides();
        hp.keySet().forEach(t -> Checks.require(types.contains(t), "--hp names optimizer '" + t + "' that is not in --optimizers"));
        List<StateDtype> dtypes = stateDtypes.stream().map(StateDtype::parse).toList();
        // Validate every optimizer spec before loading data or training anything.
        for (String type : types) {
            for (StateDtype d : dtypes) {
                Optimizers.parse(spec(type, d, hp));
            }
        }
        FashionMnist fm = dataDir != null ? new FashionMnist(dataDir) : new FashionMnist();
        Dataset pool = fm.train().stratified(trainSize(), seed);
        Dataset train;
        Dataset test;
        if (validation != null) { // the test set is not even loaded
            DatasetSplit split = pool.holdOut(validation, seed);
            train = split.train();
            test = split.test();
        } else {
            train = pool;
            test = fm.test().stratified(testSize(), seed);
        }

        Map<String, Object> accuracy = new LinkedHashMap<>();
        Map<String, Object> seconds = new LinkedHashMap<>();
        Map<String, Object> stepMs = new LinkedHashMap<>();
        Map<String, Object> optimizerMs = new LinkedHashMap<>();
        Map<String, Object> medianStep = new LinkedHashMap<>();
        Map<String, Object> medianOptimizer = new LinkedHashMap<>();
        SeriesTable csv = new SeriesTable("epoch", "testAccuracy", "model", "optimizer", "stateDtype", "trainLoss",
                "testLoss", "epochSeconds");
        for (String modelName : models()) {
            Checks.require(modelName.equals("mlp") || modelName.equals("cnn"), "--models: unknown model '" + modelName + "' (known: mlp, cnn)");
            SeriesTable accPlot = new SeriesTable("epoch", "testAccuracy");
            SeriesTable lossPlot = new SeriesTable("step", "trainLoss");
            List<RoundRobin.Job> jobs = new ArrayList<>();
            for (String type : types) {
                for (StateDtype dtype : dtypes) {
                    String run = modelName + "/" + type + "/" + dtype.specName();
                    ModelSpec spec = ModelSpecs.parse(Map.of("type", modelName)).forData(train.featureWidth(), train.numClasses());
                    Optimizer optimizer = Optimizers.create(spec(type, dtype, hp));
                    TrainingConfig config = new TrainingConfig(epochs(), batch, seed, 1, 0, scheduleConfig, NetworkDtype.FLOAT32);
                    Trainer trainer = new Trainer(spec.build(NetworkDtype.FLOAT32, seed), optimizer, config);
                    List<Double> acc = new ArrayList<>();
                    List<Double> secs = new ArrayList<>();
                    List<Double> stepTimes = new ArrayList<>();
                    List<Double> optTimes = new ArrayList<>();
                    String series = type + " " + dtype.specName();
                    double[] window = new double[2];
                    RoundRobin.Turns[] turnsOf = new RoundRobin.Turns[1]; // set when the job starts
                    // Keys in run order whatever order the runs finish in (values are replaced in place).
                    for (Map<String, Object> m : List.of(accuracy, seconds, stepMs, optimizerMs, medianStep, medianOptimizer)) {
                        m.put(run, null);
                    }
                    trainer.addListener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            stepTimes.add(m.stepSeconds() * 1e3);
                            optTimes.add(m.optimizerSeconds() * 1e3);
                            window[0] += m.loss();
                            window[1]++;
                            if (window[1] == 10) {
                                lossPlot.add(series, m.step(), window[0] / window[1]);
                                window[0] = 0;
                                window[1] = 0;
                            }
                            turnsOf[0].stepped(); // outside the step's own timing
                        }

                        @Override
                        public void onEpoch(EpochMetrics m) {
                            acc.add(m.testAccuracy());
                            secs.add(m.epochSeconds());
                            accPlot.add(series, m.epoch() + 1, m.testAccuracy());
                            csv.add(type + " " + dtype.specName(), m.epoch() + 1, m.testAccuracy(), modelName, type,
                                    dtype.specName(), m.trainLoss(), m.testLoss(), m.epochSeconds());
                            progress(String.format(java.util.Locale.ROOT, "  epoch %d: test accuracy %.4f (%.1f s)",
                                    m.epoch() + 1, m.testAccuracy(), m.epochSeconds()));
                        }
                    });
                    jobs.add(turns -> {
                        turnsOf[0] = turns;
                        progress("train: " + run);
                        trainer.fit(train, test);
                        accuracy.put(run, acc);
                        seconds.put(run, secs);
                        // Amortized cost = the mean: with an update every T steps the median would pick one
                        // mode (T = 2) or drop the update steps altogether (T = 10). The first steps
                        // (JIT warm-up, state allocation) are left out of both statistics.
                        stepMs.put(run, mean(stepTimes));
                        optimizerMs.put(run, mean(optTimes));
                        medianStep.put(run, median(stepTimes));
                        medianOptimizer.put(run, median(optTimes));
                    });
                }
            }
            runJobs(jobs);
            new LinePlot("Fashion-MNIST " + modelName + ": test accuracy").markers()
                    .write(accPlot, "epoch", "test accuracy", file("train-" + modelName + ".png"));
            new LinePlot("Fashion-MNIST " + modelName + ": training loss (mean of 10 steps)").logY()
                    .write(lossPlot, "step", "training loss", file("train-" + modelName + "-loss.png"));
        }
        summary.put("testAccuracy", accuracy);
        summary.put("secondsPerEpoch", seconds);
        summary.put("meanStepMs", stepMs);
        summary.put("meanOptimizerMs", optimizerMs);
        summary.put("medianStepMs", medianStep);
        summary.put("medianOptimizerMs", medianOptimizer);
        summary.put("stepRatioToAdamw", ratioTo(stepMs, "adamw"));
        csv.writeCsv(file("train.csv"));
    }

    /** Sequentially, or side by side in turns of T steps (10 without --interval) with --interleave. */
    private void runJobs(List<RoundRobin.Job> jobs) {
        try {
            if (interleave) {
                RoundRobin.run(interval != null ? interval : 10, jobs);
            } else {
                for (RoundRobin.Job job : jobs) {
                    job.run(() -> { });
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("training run failed: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> spec(String type, StateDtype dtype, Map<String, Map<String, Object>> hp) {
        Map<String, Object> extra = new HashMap<>(hp.getOrDefault(type, Map.of()));
        extra.put("stateDtype", dtype.specName());
        return OptimizerSpecs.spec(type, interval, extra);
    }

    private static double[] afterWarmup(List<Double> values) {
        int skip = Math.min(5, Math.max(0, values.size() - 1));
        return values.subList(skip, values.size()).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double median(List<Double> values) {
        double[] v = afterWarmup(values);
        return v.length == 0 ? Double.NaN : Timer.median(v);
    }

    private static double mean(List<Double> values) {
        double[] v = afterWarmup(values);
        return v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** Each run's mean (amortized) step time over the AdamW run of the same model and state precision. */
    private static Map<String, Object> ratioTo(Map<String, Object> stepMs, String base) {
        Map<String, Object> out = new LinkedHashMap<>();
        stepMs.forEach((run, ms) -> {
            String[] parts = run.split("/");
            Object ref = stepMs.get(parts[0] + "/" + base + "/" + parts[2]);
            out.put(run, ref == null ? null : (Double) ms / (Double) ref);
        });
        return out;
    }
}

package dev.spectra.optim.train;

import dev.spectra.optim.Optimizer;
import dev.spectra.optim.data.Dataset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J training loop: trains a MultiLayerNetwork or ComputationGraph with any
 * {@link Optimizer}.
 *
 * <p>DL4J's updater sees one flat gradient view that can span several parameters, so a Kronecker
 * optimizer could not learn the matrix shape through it. This loop never calls {@code fit()} and
 * never touches the network's updater: each step runs {@code computeGradientAndScore}, takes the
 * per-parameter gradient views by name, divides them by the batch size (DL4J sums over the batch)
 * and hands them to {@link Optimizer#step} together with the parameter views, which it updates in
 * place.
 *
 * <p>Reproducible by construction: epoch {@code e} visits the training set in a permutation
 * seeded by (seed, e) and step {@code t} seeds ND4J's RNG (dropout) with (seed, t). So a run
 * restored from a {@link TrainingCheckpoint} continues bit-identically to one never interrupted.
 *
 * <p>One thread drives {@link #fit}; {@link #cancel} may be called from any thread and takes
 * effect before the next step (or between evaluation chunks).
 */
public final class Trainer {

    private final TrainableModel model;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private CheckpointHook checkpointHook;

    // Position: the next step to run is batch `batchInEpoch` of `epoch`; `step` steps are done.
    private long step;
    private int epoch;
    private int batchInEpoch;
    private double epochLossSum;
    private int trainExamples = -1;
    private TrainingCheckpoint pendingResume;

    /**
     * @param model     the network; converted to {@code config.networkDtype()} if it is in another
     *                  type (then {@link #model()} is the converted copy)
     * @param optimizer a fresh optimizer (or one restored by {@link #resumeFrom})
     */
    public Trainer(TrainableModel model, Optimizer optimizer, TrainingConfig config) {
        if (model == null || optimizer == null || config == null) {
            throw new IllegalArgumentException("model, optimizer and config must be set");
        }
        this.config = config;
        this.model = model.dataType() == config.networkDtype().dataType()
                ? model : model.convertTo(config.networkDtype().dataType());
        this.optimizer = optimizer;
    }

    /** @param network an initialized {@code MultiLayerNetwork} or single-input/output {@code ComputationGraph} */
    public Trainer(Model network, Optimizer optimizer, TrainingConfig config) {
        this(TrainableModel.of(network), optimizer, config);
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public Trainer checkpointHook(CheckpointHook hook) {
        this.checkpointHook = hook;
        return this;
    }

    /**
     * Continue from a checkpoint: loads the network parameters and the optimizer state now and the
     * position (step, epoch, batch) for the next {@link #fit}, which checks that the run's seed,
     * batch size and training-set size are the ones the checkpoint was written with.
     */
    public Trainer resumeFrom(TrainingCheckpoint checkpoint) {
        requireIdle();
        if (checkpoint.seed() != config.seed() || checkpoint.batchSize() != config.batchSize()) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, checkpoint.step(),
                    "checkpoint was written with seed " + checkpoint.seed() + " and batchSize " + checkpoint.batchSize()
                            + " but this run has seed " + config.seed() + " and batchSize " + config.batchSize());
        }
        if (checkpoint.epoch() > config.epochs()) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, checkpoint.step(),
                    "checkpoint is at epoch " + checkpoint.epoch() + " but this run has only " + config.epochs() + " epochs");
        }
        try {
            model.loadParameters(checkpoint.model());
            optimizer.importState(checkpoint.optimizerState());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, checkpoint.step(),
                    "checkpoint does not fit this network/optimizer: " + e.getMessage(), e);
        }
        if (optimizer.stepCount() != checkpoint.step()) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, checkpoint.step(),
                    "checkpoint is at step " + checkpoint.step() + " but its optimizer state is at step "
                            + optimizer.stepCount());
        }
        step = checkpoint.step();
        epoch = checkpoint.epoch();
        batchInEpoch = checkpoint.batchInEpoch();
        epochLossSum = checkpoint.epochLossSum();
        trainExamples = checkpoint.trainExamples();
        pendingResume = checkpoint;
        return this;
    }

    /** Thread-safe; the loop stops before its next step and {@link #fit} returns CANCELLED. */
    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** The network being trained (the converted copy if the trainer changed its type). */
    public TrainableModel model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public TrainingConfig config() {
        return config;
    }

    /** Global steps completed. */
    public long step() {
        return step;
    }

    /**
     * A checkpoint of the current position, e.g. after {@link #fit} returned CANCELLED, so a
     * preempted job can resume. Not while {@link #fit} runs (the hook gets those).
     */
    public TrainingCheckpoint checkpoint() {
        requireIdle();
        if (trainExamples < 0) {
            throw new IllegalStateException("no training has run yet; nothing to checkpoint");
        }
        return snapshot();
    }

    /**
     * Trains from the current position to the end of the configured epochs, evaluating on
     * {@code test} every {@code evalEveryEpochs} epochs and after the last.
     *
     * @throws IllegalArgumentException if the data does not fit the network or the config
     * @throws TrainingException        if the loss stops being finite, or the network rejects the data
     */
    public TrainingResult fit(Dataset train, Dataset test) {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("fit is already running on another thread");
        }
        try {
            return run(train, test);
        } finally {
            running.set(false);
        }
    }

    private TrainingResult run(Dataset train, Dataset test) {
        long started = System.nanoTime();
        validate(train, test);
        MinibatchSampler sampler = new MinibatchSampler(train, config.batchSize(), config.seed(), model.dataType());
        HeldOutEvaluator evaluator = new HeldOutEvaluator(test, model.dataType());
        int stepsPerEpoch = sampler.stepsPerEpoch();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        trainExamples = train.size();
        optimizer.setSchedule(config.schedule().toSchedule(totalSteps));
        Map<String, INDArray> params = model.trainableParameters();
        Map<String, INDArray> statistics = model.statisticParameters();
        long firstStepOfFit = step;
        long lastCheckpoint = pendingResume != null ? step : -1;
        pendingResume = null;
        EpochMetrics lastEval = null;

        if (batchInEpoch >= stepsPerEpoch) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, step, "checkpoint is at batch "
                    + batchInEpoch + " of an epoch that has only " + stepsPerEpoch + " batches");
        }
        while (epoch < config.epochs()) {
            sampler.startEpoch(epoch);
            double epochTrainSeconds = 0;
            boolean epochDone = false;
            while (!epochDone) {
                if (cancelled.get()) {
                    return new TrainingResult(TrainingResult.Status.CANCELLED, step, lastEval, seconds(started));
                }
                long t0 = System.nanoTime();
                int size = sampler.load(batchInEpoch);
                model.setPosition(step, epoch);
                Nd4j.getRandom().setSeed(Seeds.derive(config.seed(), Seeds.DROPOUT_STREAM, step));
                double loss = forwardBackward(sampler, step == firstStepOfFit);
                if (!Double.isFinite(loss)) {
                    throw new TrainingException(TrainingException.Reason.DIVERGED, step + 1, "training diverged: loss is "
                            + loss + " at step " + (step + 1) + " (epoch " + epoch + ", batch " + batchInEpoch
                            + "); lower the learning rate or check the data for extreme values");
                }
                Map<String, INDArray> grads = model.gradients();
                double scale = 1.0 / size;
                for (String name : params.keySet()) {
                    INDArray g = grads.get(name);
                    if (g != null) {
                        g.muli(scale);
                    }
                }
                double lr = optimizer.currentLearningRate();
                long t1 = System.nanoTime();
                optimizer.step(params, grads);
                long t2 = System.nanoTime();
                for (Map.Entry<String, INDArray> s : statistics.entrySet()) {
                    INDArray delta = grads.get(s.getKey());
                    if (delta != null) {
                        s.getValue().subi(delta);
                    }
                }
                step++;
                batchInEpoch++;
                epochLossSum += loss;
                double stepSeconds = (System.nanoTime() - t0) / 1e9;
                epochTrainSeconds += stepSeconds;
                StepMetrics sm = new StepMetrics(epoch, step, totalSteps, loss, lr, stepSeconds, (t2 - t1) / 1e9,
                        size / stepSeconds);
                for (TrainingListener l : listeners) {
                    l.onStep(sm);
                }
                epochDone = batchInEpoch == stepsPerEpoch;
                if (epochDone) { // moves the position to the next epoch before any checkpoint
                    EpochMetrics em = finishEpoch(evaluator, stepsPerEpoch, epochTrainSeconds);
                    if (em == null && cancelled.get()) {
                        return new TrainingResult(TrainingResult.Status.CANCELLED, step, lastEval, seconds(started));
                    }
                    lastEval = em != null ? em : lastEval;
                }
                if (checkpointHook != null && config.checkpointEverySteps() > 0
                        && step % config.checkpointEverySteps() == 0) {
                    checkpointHook.save(snapshot());
                    lastCheckpoint = step;
                }
            }
        }
        if (checkpointHook != null && lastCheckpoint != step) {
            checkpointHook.save(snapshot());
        }
        return new TrainingResult(TrainingResult.Status.COMPLETED, step, lastEval, seconds(started));
    }

    /**
     * Ends the epoch in progress: moves the position to the next epoch, then evaluates if due.
     * Returns null when no evaluation was due or it was cancelled.
     */
    private EpochMetrics finishEpoch(HeldOutEvaluator evaluator, int stepsPerEpoch, double trainSeconds) {
        int finished = epoch;
        double trainLoss = epochLossSum / stepsPerEpoch;
        epoch++;
        batchInEpoch = 0;
        epochLossSum = 0;
        boolean due = (finished + 1) % config.evalEveryEpochs() == 0 || finished + 1 == config.epochs();
        if (!due) {
            return null;
        }
        HeldOutEvaluator.Result r = evaluator.evaluate(model, cancelled::get);
        if (r == null) {
            return null;
        }
        EpochMetrics em = new EpochMetrics(finished, step, trainLoss, r.loss(), r.accuracy(), trainSeconds);
        for (TrainingListener l : listeners) {
            l.onEpoch(em);
        }
        return em;
    }

    private double forwardBackward(MinibatchSampler sampler, boolean firstOfFit) {
        if (!firstOfFit) {
            return model.computeGradientAndScore(sampler.features(), sampler.labels());
        }
        try {
            return model.computeGradientAndScore(sampler.features(), sampler.labels());
        } catch (RuntimeException e) {
            // On the first step, a failure inside DL4J almost always means data and network disagree.
            throw new TrainingException(TrainingException.Reason.INVALID_INPUT, step,
                    "the network rejected the first minibatch " + java.util.Arrays.toString(sampler.features().shape())
                            + ": " + e.getMessage(), e);
        }
    }

    private void validate(Dataset train, Dataset test) {
        if (train == null || test == null) {
            throw new IllegalArgumentException("fit needs a training set and a held-out set");
        }
        if (config.batchSize() > train.size()) {
            throw new IllegalArgumentException("batchSize " + config.batchSize() + " is larger than the training set '"
                    + train.name() + "' (" + train.size() + " examples)");
        }
        for (Dataset d : List.of(train, test)) {
            model.inputWidth().ifPresent(w -> {
                if (w != d.featureWidth()) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has " + d.featureWidth()
                            + " features per example but the network's input layer takes " + w);
                }
            });
            model.outputWidth().ifPresent(k -> {
                if (k != d.numClasses()) {
                    throw new IllegalArgumentException("dataset '" + d.name() + "' has " + d.numClasses()
                            + " classes but the network's output layer has " + k + " outputs");
                }
            });
        }
        if (train.featureWidth() != test.featureWidth() || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("training set " + train + " and held-out set " + test
                    + " differ in feature width or class count");
        }
        if (trainExamples >= 0 && trainExamples != train.size()) {
            throw new TrainingException(TrainingException.Reason.CHECKPOINT_MISMATCH, step, "the run so far used a "
                    + "training set of " + trainExamples + " examples but this one has " + train.size());
        }
    }

    private TrainingCheckpoint snapshot() {
        return new TrainingCheckpoint(step, epoch, batchInEpoch, config.seed(), model.toBytes(), optimizer.exportState(),
                epochLossSum, trainExamples, config.batchSize());
    }

    private void requireIdle() {
        if (running.get()) {
            throw new IllegalStateException("the trainer is running; use the checkpoint hook");
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}

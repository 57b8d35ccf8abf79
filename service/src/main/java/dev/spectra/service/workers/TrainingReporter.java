package dev.spectra.service.workers;

import dev.spectra.optim.train.EpochMetrics;
import dev.spectra.optim.train.StepMetrics;
import dev.spectra.optim.train.TrainingListener;
import dev.spectra.service.metrics.MetricKeys;
import dev.spectra.service.metrics.MetricWriter;
import dev.spectra.service.metrics.ServiceMetrics;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Receives the training loop's step and epoch metrics on the training thread and files them:
 * points into the job's {@link MetricBuffer} (series ids resolved once, nothing allocated per
 * step), step and optimizer times into the fleet histograms, and the progress with an ETA from
 * a smoothed step time.
 */
final class TrainingReporter implements TrainingListener {

    private static final double SMOOTHING = 0.05;

    private final JobRun run;
    private final ServiceMetrics metrics;
    private final Runnable flushWhenFull;
    private final long loss;
    private final long lr;
    private final long stepSeconds;
    private final long optimizerSeconds;
    private final long samplesPerSecond;
    private final long trainLoss;
    private final long testLoss;
    private final long testAccuracy;
    private final long epochSeconds;
    private double smoothedStepSeconds = -1;

    TrainingReporter(JobRun run, Map<String, Long> series, ServiceMetrics metrics, Runnable flushWhenFull) {
        this.run = run;
        this.metrics = metrics;
        this.flushWhenFull = flushWhenFull;
        loss = series.get(MetricKeys.LOSS);
        lr = series.get(MetricKeys.LEARNING_RATE);
        stepSeconds = series.get(MetricKeys.STEP_SECONDS);
        optimizerSeconds = series.get(MetricKeys.OPTIMIZER_SECONDS);
        samplesPerSecond = series.get(MetricKeys.SAMPLES_PER_SECOND);
        trainLoss = series.get(MetricKeys.TRAIN_LOSS);
        testLoss = series.get(MetricKeys.TEST_LOSS);
        testAccuracy = series.get(MetricKeys.TEST_ACCURACY);
        epochSeconds = series.get(MetricKeys.EPOCH_SECONDS);
    }

    @Override
    public void onStep(StepMetrics m) {
        MetricBuffer b = run.buffer();
        if (!b.hasRoom(5)) {
            flushWhenFull.run();
        }
        long step = m.step();
        add(b, loss, step, m.loss());
        add(b, lr, step, m.learningRate());
        add(b, stepSeconds, step, m.stepSeconds());
        add(b, optimizerSeconds, step, m.optimizerSeconds());
        add(b, samplesPerSecond, step, m.samplesPerSecond());
        metrics.trainingStep().record((long) (m.stepSeconds() * 1e9), TimeUnit.NANOSECONDS);
        metrics.optimizerUpdate().record((long) (m.optimizerSeconds() * 1e9), TimeUnit.NANOSECONDS);
        smoothedStepSeconds = smoothedStepSeconds < 0 ? m.stepSeconds()
                : smoothedStepSeconds + SMOOTHING * (m.stepSeconds() - smoothedStepSeconds);
        double eta = (m.totalSteps() - step) * smoothedStepSeconds;
        double sps = m.samplesPerSecond();
        run.samplesPerSecond(sps);
        b.progress(new MetricWriter.Progress(m.epoch(), step, m.totalSteps(), sps, eta));
    }

    private void add(MetricBuffer b, long seriesId, long step, double value) {
        if (!b.add(seriesId, step, value)) {
            metrics.pointDropped();
        }
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        MetricBuffer b = run.buffer();
        if (!b.hasRoom(4)) {
            flushWhenFull.run();
        }
        long step = m.step();
        add(b, trainLoss, step, m.trainLoss());
        add(b, testLoss, step, m.testLoss());
        add(b, testAccuracy, step, m.testAccuracy());
        add(b, epochSeconds, step, m.epochSeconds());
    }
}

package dev.spectra.service.workers;

import dev.spectra.optim.train.Trainer;
import dev.spectra.service.queue.Fence;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One job training in this worker: its fence, its metric buffer, and the ways it can be told to
 * stop. Whoever stops it (cancel NOTIFY, a flush or heartbeat seeing CANCELLING, a lost lease,
 * worker shutdown) records why and cancels the trainer, which stops before its next step.
 */
final class JobRun {

    /** Why a run was stopped before it finished. */
    enum StopReason { CANCELLED, LOST, SHUTDOWN }

    private final Fence fence;
    private final MetricBuffer buffer;
    private final int gpus;
    private final AtomicReference<StopReason> stop = new AtomicReference<>();
    private volatile Trainer trainer;
    private volatile double samplesPerSecond;

    JobRun(Fence fence, int bufferPoints, int maxBufferPoints, int gpus) {
        this.fence = fence;
        this.buffer = new MetricBuffer(bufferPoints, maxBufferPoints);
        this.gpus = gpus;
    }

    Fence fence() {
        return fence;
    }

    MetricBuffer buffer() {
        return buffer;
    }

    int gpus() {
        return gpus;
    }

    /** Binds the trainer; a stop that arrived while the job was being prepared applies at once. */
    void attach(Trainer t) {
        trainer = t;
        if (stop.get() != null) {
            t.cancel();
        }
    }

    /** Requests a stop; the first reason wins (a lost lease is never downgraded to a cancel). */
    void stop(StopReason reason) {
        if (!stop.compareAndSet(null, reason) && reason == StopReason.LOST) {
            stop.set(StopReason.LOST);
        }
        Trainer t = trainer;
        if (t != null) {
            t.cancel();
        }
    }

    StopReason stopReason() {
        return stop.get();
    }

    double samplesPerSecond() {
        return samplesPerSecond;
    }

    void samplesPerSecond(double v) {
        samplesPerSecond = v;
    }
}

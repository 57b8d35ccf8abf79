package dev.spectra.service.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker role ({@code spectra.worker.*}).
 *
 * @param enabled             claim and train jobs in this process (env {@code SPECTRA_WORKER_ENABLED})
 * @param slots               jobs trained concurrently (env {@code SPECTRA_WORKER_SLOTS})
 * @param name                name shown in {@code GET /workers}; blank = host name
 * @param accelerator         cpu | gpu; blank = detected from the ND4J backend
 * @param ompThreads          OpenMP/BLAS threads applied at start-up (env {@code SPECTRA_WORKER_OMP_THREADS});
 *                            OMP_NUM_THREADS must also be set in the environment before the JVM starts,
 *                            because OpenBLAS sizes its pool when the native library loads
 * @param heartbeatInterval   how often the worker renews its row and its attempts' leases
 * @param leaseDuration       how long an attempt stays owned without a heartbeat
 * @param pollInterval        idle claim polling; LISTEN/NOTIFY wakes idle slots earlier
 * @param metricFlushInterval how often buffered metric points and progress are written
 * @param metricBufferPoints  points buffered per running job before the training thread flushes itself
 * @param checkpointsToKeep   checkpoints retained per job (older ones are deleted)
 * @param shutdownGrace       how long shutdown waits for running jobs to stop and release
 * @param retryBackoff        delay before a job released after an infrastructure error may be claimed again
 * @param outageBufferPoints  metric points buffered per running job at most while the database is
 *                            unreachable (24 bytes each; the default is about 24 MB); newer points are then
 *                            dropped and counted in {@code spectra_metric_points_dropped_total}
 * @param outageMaxWait       how long a job that finished (or was cancelled) during a database outage keeps
 *                            retrying to store its outcome before it leaves the job to the lease reaper
 * @param fashionMnistDir     directory of the Fashion-MNIST IDX files; blank = optimizer-core's default
 *                            ({@code SPECTRA_FASHION_MNIST_DIR} or /usr/share/datasets/fashion-mnist)
 */
@ConfigurationProperties("spectra.worker")
public record WorkerProperties(@DefaultValue("true") boolean enabled,
                               @DefaultValue("1") int slots,
                               String name,
                               String accelerator,
                               Integer ompThreads,
                               @DefaultValue("5s") Duration heartbeatInterval,
                               @DefaultValue("30s") Duration leaseDuration,
                               @DefaultValue("2s") Duration pollInterval,
                               @DefaultValue("1s") Duration metricFlushInterval,
                               @DefaultValue("20000") int metricBufferPoints,
                               @DefaultValue("2") int checkpointsToKeep,
                               @DefaultValue("30s") Duration shutdownGrace,
                               @DefaultValue("10s") Duration retryBackoff,
                               String fashionMnistDir,
                               @DefaultValue("1000000") int outageBufferPoints,
                               @DefaultValue("10m") Duration outageMaxWait) {

    public WorkerProperties {
        if (slots < 1) {
            throw new IllegalArgumentException("spectra.worker.slots must be >= 1 but was " + slots);
        }
        if (accelerator != null && !accelerator.isBlank()
                && !accelerator.equals("cpu") && !accelerator.equals("gpu")) {
            throw new IllegalArgumentException("spectra.worker.accelerator must be cpu or gpu but was " + accelerator);
        }
        if (ompThreads != null && ompThreads < 1) {
            throw new IllegalArgumentException("spectra.worker.omp-threads must be >= 1 but was " + ompThreads);
        }
        if (leaseDuration.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("spectra.worker.lease-duration (" + leaseDuration
                    + ") must be at least twice spectra.worker.heartbeat-interval (" + heartbeatInterval + ")");
        }
        if (checkpointsToKeep < 1) {
            throw new IllegalArgumentException("spectra.worker.checkpoints-to-keep must be >= 1");
        }
        if (metricBufferPoints < 100) {
            throw new IllegalArgumentException("spectra.worker.metric-buffer-points must be >= 100");
        }
        if (outageBufferPoints < metricBufferPoints) {
            throw new IllegalArgumentException("spectra.worker.outage-buffer-points (" + outageBufferPoints
                    + ") must be at least spectra.worker.metric-buffer-points (" + metricBufferPoints + ")");
        }
    }
}

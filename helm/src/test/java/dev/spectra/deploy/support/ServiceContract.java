package dev.spectra.deploy.support;

import java.util.Set;

/**
 * What the deployment artifacts rely on from the service: the Prometheus metric families it
 * exports (issue 4 contract). The integration test checks these against a real scrape; the unit
 * tests check every dashboard and alert against this list, so a renamed metric fails fast.
 */
public final class ServiceContract {

    /** Families of the Spectra-specific metrics, as Prometheus names them. */
    public static final Set<String> SPECTRA_METRICS = Set.of(
            "spectra_jobs_submitted_total",
            "spectra_jobs",
            "spectra_queue_depth",
            "spectra_queue_oldest_age_seconds",
            "spectra_queue_wait_seconds",
            "spectra_job_duration_seconds",
            "spectra_attempts_total",
            "spectra_workers",
            "spectra_training_step_seconds",
            "spectra_training_samples_per_second",
            "spectra_optimizer_update_seconds",
            "spectra_metric_points_ingested_total",
            "spectra_metric_ingest_errors_total",
            "spectra_leases_expired_total");

    /** Histogram families (their _bucket/_sum/_count series are what queries read). */
    public static final Set<String> HISTOGRAMS = Set.of(
            "spectra_queue_wait_seconds",
            "spectra_job_duration_seconds",
            "spectra_training_step_seconds",
            "spectra_optimizer_update_seconds");

    /** Spring Boot / Micrometer defaults the dashboards use. */
    public static final Set<String> DEFAULT_METRICS = Set.of(
            "http_server_requests_seconds",
            "hikaricp_connections_active",
            "hikaricp_connections_pending",
            "jvm_memory_used_bytes",
            "process_cpu_usage");

    private ServiceContract() {
    }

    /** The family a series name belongs to: histogram suffixes stripped. */
    public static String family(String series) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_max"}) {
            if (series.endsWith(suffix)) {
                String base = series.substring(0, series.length() - suffix.length());
                if (HISTOGRAMS.contains(base) || DEFAULT_METRICS.contains(base)) {
                    return base;
                }
            }
        }
        return series;
    }
}

package dev.spectra.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.metrics.FleetGauges;
import dev.spectra.service.support.ServiceTestBase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Health probes, the Prometheus scrape and the OpenAPI document, over HTTP. */
class ObservabilityTest extends ServiceTestBase {

    @Autowired
    FleetGauges fleet;

    @Autowired
    dev.spectra.service.workers.WorkerRuntime worker;

    @Test
    void healthProbesAreUp() {
        for (String p : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            Response r = get(p);
            assertThat(r.status()).as(p).isEqualTo(200);
            assertThat(r.json().get("status").asString()).as(p).isEqualTo("UP");
        }
    }

    @Test
    void prometheusExportsTheContractedMetricsWithoutJobIds() {
        UUID queued = submit(gpuJob("gauge-check"));
        UUID ran = submit(blobsJob("prometheus", 1, 0));
        awaitState(ran, "SUCCEEDED", Duration.ofMinutes(2));
        fleet.refresh();
        String text = get("/actuator/prometheus").body();
        for (String name : List.of("spectra_jobs_submitted_total", "spectra_jobs{", "spectra_queue_depth",
                "spectra_queue_oldest_age_seconds", "spectra_queue_wait_seconds_bucket", "spectra_job_duration_seconds_bucket",
                "spectra_attempts_total{", "spectra_workers{", "spectra_training_step_seconds_bucket",
                "spectra_training_samples_per_second", "spectra_optimizer_update_seconds_bucket",
                "spectra_metric_points_ingested_total", "spectra_metric_ingest_errors_total", "spectra_leases_expired_total",
                "jvm_memory_used_bytes", "http_server_requests_seconds", "hikaricp_connections")) {
            assertThat(text).as(name).contains(name);
        }
        assertThat(text).doesNotContain(ran.toString()).doesNotContain("job_id");
        assertThat(gauge(text, "spectra_jobs{application=\"spectra\",state=\"queued\"}")).isGreaterThanOrEqualTo(1);
        assertThat(gauge(text, "spectra_queue_depth{application=\"spectra\"}")).isGreaterThanOrEqualTo(1);
        assertThat(gauge(text, "spectra_queue_oldest_age_seconds{application=\"spectra\"}")).isGreaterThan(0);
        assertThat(gauge(text, "spectra_workers{application=\"spectra\",state=\"idle\"}")
                + gauge(text, "spectra_workers{application=\"spectra\",state=\"busy\"}")).isGreaterThanOrEqualTo(1);
        assertThat(gauge(text, "spectra_attempts_total{application=\"spectra\",outcome=\"succeeded\"}")).isGreaterThanOrEqualTo(1);
        assertThat(gauge(text, "spectra_metric_points_ingested_total{application=\"spectra\"}")).isGreaterThanOrEqualTo(50);
        post("/api/v1/jobs/" + queued + "/cancel", "");
    }

    private static double gauge(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series));
    }

    @Test
    void openApiDocumentListsTheApi() {
        Response r = get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        JsonNode paths = r.json().get("paths");
        for (String p : List.of("/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/{id}/events",
                "/api/v1/jobs/{id}/metrics", "/api/v1/jobs/{id}/metrics/{key}", "/api/v1/jobs/{id}/stream",
                "/api/v1/jobs/{id}/model", "/api/v1/workers", "/api/v1/datasets", "/api/v1/datasets/{id}")) {
            assertThat(paths.has(p)).as(p).isTrue();
        }
        assertThat(paths.at("/~1api~1v1~1jobs/post/requestBody")).isNotNull();
        assertThat(r.json().at("/components/schemas/JobSpec")).isNotNull();
    }

    @Test
    void workersListShowsThisWorker() {
        JsonNode items = get("/api/v1/workers").json().get("items");
        JsonNode w = null;
        for (JsonNode item : items) {
            if (item.get("id").asString().equals(worker.identity().id().toString())) {
                w = item;
            }
        }
        assertThat(w).as("this process's worker in " + items).isNotNull();
        assertThat(w.get("accelerator").asString()).isEqualTo("cpu");
        assertThat(w.get("state").asString()).isEqualTo("ACTIVE");
        assertThat(w.get("heartbeatAgeSeconds").asDouble()).isLessThan(5);
        assertThat(w.get("slots").asInt()).isEqualTo(1);
    }
}

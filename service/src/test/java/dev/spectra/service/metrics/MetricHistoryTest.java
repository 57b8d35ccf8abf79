package dev.spectra.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.queue.ClaimedJob;
import dev.spectra.service.queue.FencedOutException;
import dev.spectra.service.queue.JobState;
import dev.spectra.service.queue.Reason;
import dev.spectra.service.support.ServiceTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Batched metric writes (points and summaries in one statement, fenced, idempotent) and the
 * history API's keyset paging and downsampling, on a job owned by a registered test worker.
 */
class MetricHistoryTest extends ServiceTestBase {

    @Autowired
    MetricWriter writer;

    private ClaimedJob claimed;
    private long lossSeries;

    @BeforeEach
    void ownAJob() {
        claimed = claimGpuJobAsTestWorker("metrics-test");
        Map<String, Long> series = writer.ensureSeries(claimed.fence(), List.of("loss", "acc"));
        lossSeries = series.get("loss");
    }

    private void writeLoss(long from, long to, double spikeAt) {
        int n = (int) (to - from + 1);
        long[] s = new long[n];
        long[] steps = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = lossSeries;
            steps[i] = from + i;
            v[i] = steps[i] == spikeAt ? 99.0 : 1.0 / (1 + steps[i]);
        }
        writer.write(claimed.fence(), s, steps, v, new MetricWriter.Progress(0, to, 5000, 100.0, 1.0));
    }

    @Test
    void pagesAreCompleteOrderedAndSummaryMatches() {
        writeLoss(1, 2500, 1234);
        writeLoss(2501, 5000, -1);
        writeLoss(2001, 3000, -1); // a retried batch: duplicates are skipped, the summary does not double count

        UUID job = claimed.fence().jobId();
        JsonNode summary = get("/api/v1/jobs/" + job + "/metrics").json().get("loss");
        assertThat(summary.get("count").asLong()).isEqualTo(5000);
        assertThat(summary.get("max").asDouble()).isEqualTo(99.0);
        assertThat(summary.get("min").asDouble()).isEqualTo(1.0 / 5001);
        assertThat(summary.get("lastStep").asLong()).isEqualTo(5000);
        assertThat(summary.get("firstStep").asLong()).isEqualTo(1);

        List<Long> steps = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = get("/api/v1/jobs/" + job + "/metrics/loss?limit=700" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("points").forEach(p -> steps.add(p.get("step").asLong()));
            JsonNode next = page.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(8);
        assertThat(steps).hasSize(5000).isSorted().doesNotHaveDuplicates();

        JsonNode range = get("/api/v1/jobs/" + job + "/metrics/loss?fromStep=100&toStep=199&limit=1000").json();
        assertThat(range.get("points")).hasSize(100);
        assertThat(range.get("points").get(0).get("step").asLong()).isEqualTo(100);

        JsonNode jobView = job(job);
        assertThat(jobView.at("/progress/step").asLong()).isEqualTo(3000);
        assertThat(jobView.at("/progress/etaSeconds").asDouble()).isEqualTo(1.0);
    }

    @Test
    void downsamplingKeepsEndsAndExtremes() {
        writeLoss(1, 5000, 4321);
        UUID job = claimed.fence().jobId();
        JsonNode h = get("/api/v1/jobs/" + job + "/metrics/loss?maxPoints=100").json();
        assertThat(h.get("downsampled").asBoolean()).isTrue();
        assertThat(h.get("count").asLong()).isEqualTo(5000);
        List<Long> steps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        h.get("points").forEach(p -> {
            steps.add(p.get("step").asLong());
            values.add(p.get("value").asDouble());
        });
        assertThat(steps.size()).isLessThanOrEqualTo(100);
        assertThat(steps.get(0)).isEqualTo(1);
        assertThat(steps.get(steps.size() - 1)).isEqualTo(5000);
        assertThat(steps).contains(4321L).isSorted();
        assertThat(values).contains(99.0, 1.0 / 5001);

        JsonNode windowed = get("/api/v1/jobs/" + job + "/metrics/loss?maxPoints=20&fromStep=1000&toStep=2000").json();
        assertThat(windowed.get("points").get(0).get("step").asLong()).isEqualTo(1000);
        assertThat(windowed.get("points").get(windowed.get("points").size() - 1).get("step").asLong()).isEqualTo(2000);

        Response bad = get("/api/v1/jobs/" + job + "/metrics/loss?maxPoints=2");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(get("/api/v1/jobs/" + job + "/metrics/nope").status()).isEqualTo(404);
        assertThat(get("/api/v1/jobs/" + job + "/metrics/loss?cursor=garbage").status()).isEqualTo(400);
    }

    @Test
    void writesOfAnAttemptThatLostTheJobAreRejected() {
        writeLoss(1, 10, -1);
        queue.release(claimed.fence(), "LOST", Reason.LEASE_EXPIRED, "test", true, Duration.ofHours(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writeLoss(11, 20, -1))
                .isInstanceOf(FencedOutException.class);
        long count = jdbc.sql("SELECT count(*) FROM metric_points WHERE series_id = :s").param("s", lossSeries)
                .query(Long.class).single();
        assertThat(count).isEqualTo(10);
        jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE id = :id")
                .param("id", claimed.fence().jobId()).update();
    }

    @org.junit.jupiter.api.AfterEach
    void finish() {
        queue.finish(claimed.fence(), JobState.SUCCEEDED, Reason.COMPLETED, "test");
    }
}

package dev.spectra.service.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Cancelling queued and running jobs, and the 409 on finished ones. */
class CancelTest extends ServiceTestBase {

    @Test
    void queuedJobIsCancelledAtOnceAndASecondCancelOfAFinishedJobIs409() {
        UUID id = submit(gpuJob("cancel-queued"));
        Response r = post("/api/v1/jobs/" + id + "/cancel", "");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("state").asString()).isEqualTo("CANCELLED");
        assertThat(r.json().get("finishedAt").isNull()).isFalse();

        Response again = post("/api/v1/jobs/" + id + "/cancel", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("illegal-transition");
        assertThat(again.json().get("state").asString()).isEqualTo("CANCELLED");
        assertThat(reasons(id)).containsExactly("SUBMITTED", "CANCELLED_WHILE_QUEUED");

        assertThat(post("/api/v1/jobs/" + UUID.randomUUID() + "/cancel", "").status()).isEqualTo(404);
    }

    @Test
    void runningJobStopsPromptlyAfterCancel() {
        // 400 examples / batch 10 = 40 steps per epoch, 200 epochs: far longer than this test waits
        UUID id = submit("""
                {"name": "cancel-running", "model": {"type": "mlp", "hiddenSizes": [16]},
                 "dataset": {"name": "synthetic-blobs", "trainSamples": 400, "testSamples": 50},
                 "optimizer": {"type": "adamw"}, "training": {"epochs": 200, "batchSize": 10}}""");
        awaitJob(id, Duration.ofMinutes(2), j -> "RUNNING".equals(j.get("state").asString()) && j.at("/progress/step").asLong() > 5);
        long asked = System.nanoTime();
        Response r = post("/api/v1/jobs/" + id + "/cancel", "");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("state").asString()).isIn("CANCELLING", "CANCELLED");

        JsonNode done = awaitState(id, "CANCELLED", Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - asked) / 1e9;
        // NOTIFY reaches the worker at once and the loop stops before its next step; allow for a loaded CI machine
        assertThat(seconds).isLessThan(10);
        assertThat(done.at("/progress/step").asLong()).isLessThan(done.at("/progress/totalSteps").asLong());
        assertThat(done.get("modelAvailable").asBoolean()).isFalse();
        assertThat(reasons(id)).containsExactly("SUBMITTED", "CLAIMED", "CANCEL_REQUESTED", "CANCELLED");
        assertThat(post("/api/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    private List<String> reasons(UUID id) {
        List<String> out = new ArrayList<>();
        get("/api/v1/jobs/" + id + "/events").json().get("items").forEach(e -> out.add(e.get("reason").asString()));
        return out;
    }
}

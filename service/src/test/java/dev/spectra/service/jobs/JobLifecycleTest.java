package dev.spectra.service.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tools.jackson.databind.JsonNode;

/** Whole jobs through the real API, queue, worker and optimizer-core training loop. */
class JobLifecycleTest extends ServiceTestBase {

    @Test
    void syntheticJobRunsToSuccessWithMetricsEventsCheckpointsAndModel() throws Exception {
        UUID id = submit(blobsJob("lifecycle-blobs", 3, 10));
        JsonNode job = awaitState(id, "SUCCEEDED", Duration.ofMinutes(3));

        // 400 examples / batch 40 = 10 steps per epoch, 3 epochs
        assertThat(job.at("/progress/step").asLong()).isEqualTo(30);
        assertThat(job.at("/progress/totalSteps").asLong()).isEqualTo(30);
        assertThat(job.at("/progress/fraction").asDouble()).isEqualTo(1.0);
        assertThat(job.at("/attempt/number").asInt()).isEqualTo(1);
        assertThat(job.at("/attempt/state").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("modelAvailable").asBoolean()).isTrue();

        JsonNode metrics = job.get("metrics");
        assertThat(metrics.at("/loss/count").asLong()).isEqualTo(30);
        assertThat(metrics.at("/loss/lastStep").asLong()).isEqualTo(30);
        assertThat(metrics.at("/learning_rate/last").asDouble()).isEqualTo(0.01);
        assertThat(metrics.at("/test_accuracy/count").asLong()).isEqualTo(3);
        // four Gaussian clusters (chance 0.25): three short epochs already classify most points
        assertThat(metrics.at("/test_accuracy/last").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(metrics.at("/loss/last").asDouble()).isLessThan(metrics.at("/loss/max").asDouble());

        List<String> reasons = new ArrayList<>();
        get("/api/v1/jobs/" + id + "/events").json().get("items").forEach(e -> reasons.add(e.get("reason").asString()));
        assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "COMPLETED");

        // checkpoints every 10 steps (10, 20, 30); only the newest 2 are kept
        List<Long> checkpointSteps = jdbc.sql("SELECT step FROM artifacts WHERE job_id = :id AND kind = 'CHECKPOINT' ORDER BY step")
                .param("id", id).query(Long.class).list();
        assertThat(checkpointSteps).containsExactly(20L, 30L);

        HttpResponse<byte[]> model = HTTP.send(authorized("/api/v1/jobs/" + id + "/model").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.headers().firstValue("Content-Type")).hasValue("application/zip");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model.body()), false);
        INDArray out = net.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 8));
        assertThat(out.shape()).containsExactly(5, 4);
        assertThat(out.sumNumber().doubleValue()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void fashionMnistSubsetJobLearns() {
        UUID id = submit("""
                {"name": "fashion-subset", "model": {"type": "mlp", "hiddenSizes": [64]},
                 "dataset": {"name": "fashion-mnist", "trainSamples": 2000, "testSamples": 500},
                 "optimizer": {"type": "adamw", "lr": 0.002},
                 "training": {"epochs": 2, "batchSize": 50, "seed": 3}}
                """);
        JsonNode job = awaitState(id, "SUCCEEDED", Duration.ofMinutes(4));
        assertThat(job.at("/progress/step").asLong()).isEqualTo(80);
        assertThat(job.at("/spec/model/inputSize").asInt()).isEqualTo(784);
        assertThat(job.at("/spec/model/numClasses").asInt()).isEqualTo(10);
        // chance is 0.10; 2 epochs on 2000 images reach well above 0.70
        assertThat(job.at("/metrics/test_accuracy/last").asDouble()).isGreaterThan(0.70);
    }

    @Test
    void modelOfUnfinishedJobIs404AndUnknownJobIs404() {
        Response unknown = get("/api/v1/jobs/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
        assertThat(unknown.json().get("code").asString()).isEqualTo("job-not-found");

        UUID gpu = submit(gpuJob("waits-for-gpu"));
        Response model = get("/api/v1/jobs/" + gpu + "/model");
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.json().get("code").asString()).isEqualTo("model-not-available");
        post("/api/v1/jobs/" + gpu + "/cancel", "");
    }
}

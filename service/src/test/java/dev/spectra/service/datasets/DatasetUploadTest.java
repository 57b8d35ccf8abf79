package dev.spectra.service.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** CSV upload: validation before storing, limits, and a job trained on the uploaded data. */
class DatasetUploadTest extends ServiceTestBase {

    private Response upload(String query, String csv) {
        return send(HttpRequest.newBuilder(uri("/api/v1/datasets" + query)).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    }

    /** Two noisy clusters in 3 features, label in the last column, with a header. */
    private static String twoClusters(int rows) {
        SplittableRandom rnd = new SplittableRandom(5);
        StringBuilder sb = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < rows; i++) {
            int label = i % 2;
            double centre = label == 0 ? -2 : 2;
            sb.append(String.format("%.4f,%.4f,%.4f,%d%n", centre + rnd.nextGaussian(), centre + rnd.nextGaussian(),
                    rnd.nextGaussian(), label));
        }
        return sb.toString();
    }

    @Test
    void uploadedCsvIsDescribedListedAndTrainable() {
        Response r = upload("?name=clusters", twoClusters(300));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode ds = r.json();
        assertThat(ds.get("rows").asInt()).isEqualTo(300);
        assertThat(ds.get("features").asInt()).isEqualTo(3);
        assertThat(ds.get("classes").asInt()).isEqualTo(2);
        assertThat(ds.get("sha256").asString()).hasSize(64);
        String id = ds.get("id").asString();
        assertThat(get("/api/v1/datasets/" + id).status()).isEqualTo(200);
        JsonNode list = get("/api/v1/datasets").json();
        assertThat(list.get("items").toString()).contains(id);
        assertThat(list.get("builtIn").toString()).contains("fashion-mnist", "synthetic-blobs");

        UUID job = submit("""
                {"model": {"type": "mlp", "hiddenSizes": [8]},
                 "dataset": {"name": "%s", "testFraction": 0.2},
                 "optimizer": {"type": "adamw", "lr": 0.02},
                 "training": {"epochs": 5, "batchSize": 24, "seed": 1}}""".formatted(id));
        JsonNode done = awaitState(job, "SUCCEEDED", Duration.ofMinutes(2));
        // 240 training rows / 24 = 10 steps per epoch
        assertThat(done.at("/progress/step").asLong()).isEqualTo(50);
        assertThat(done.at("/metrics/test_accuracy/last").asDouble()).isGreaterThan(0.9);
    }

    @Test
    void badCsvIsRejectedWithTheLineAndNothingIsStored() {
        long before = jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();
        for (String bad : new String[]{
                "1,2,0\n3,4\n",            // ragged row
                "1,NaN,0\n3,4,1\n",        // non-finite feature
                "1,2,0.5\n3,4,1\n",        // non-integer label
                "1,2,-1\n3,4,1\n",         // negative label
                "",                        // empty
        }) {
            Response r = upload("?header=false", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("invalid-dataset");
            assertThat(r.json().get("errors").get(0).get("message").asString()).as(bad).isNotBlank();
        }
        Response tooBig = upload("", "1,2,0\n".repeat(60_000));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single()).isEqualTo(before);
        assertThat(get("/api/v1/datasets/" + UUID.randomUUID()).status()).isEqualTo(404);
    }
}

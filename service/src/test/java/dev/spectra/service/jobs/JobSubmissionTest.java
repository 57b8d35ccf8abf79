package dev.spectra.service.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Submission: the bad-input table, every-field reporting, idempotency, listing. */
class JobSubmissionTest extends ServiceTestBase {

    private static final String VALID = """
            {"model": {"type": "mlp", "hiddenSizes": [8]},
             "dataset": {"name": "synthetic-blobs", "trainSamples": 100, "testSamples": 20},
             "optimizer": {"type": "adamw"},
             "training": {"epochs": 1, "batchSize": 10},
             "resources": {"accelerator": "gpu"}}""";

    /** A valid spec with one JSON object replaced ({@code "model": {...}} etc.). */
    private static String with(String key, String value) {
        JsonNode node = JSON.readTree(VALID);
        ((tools.jackson.databind.node.ObjectNode) node).set(key, JSON.readTree(value));
        return node.toString();
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("unknown optimizer", with("optimizer", "{\"type\": \"sgd-magic\"}"), "optimizer.type"),
                Arguments.of("optimizer field out of range", with("optimizer", "{\"type\": \"adamw\", \"beta1\": 1.5}"), "optimizer.beta1"),
                Arguments.of("unknown optimizer field", with("optimizer", "{\"type\": \"adamw\", \"momentum\": 0.9}"), "optimizer.momentum"),
                Arguments.of("epochs <= 0", with("training", "{\"epochs\": 0, \"batchSize\": 10}"), "training.epochs"),
                Arguments.of("epochs over the limit", with("training", "{\"epochs\": 100000, \"batchSize\": 10}"), "training.epochs"),
                Arguments.of("batch size over the limit", with("training", "{\"epochs\": 1, \"batchSize\": 100000}"), "training.batchSize"),
                Arguments.of("batch larger than the data", with("training", "{\"epochs\": 1, \"batchSize\": 101}"), "training.batchSize"),
                Arguments.of("huge epochs number", with("training", "{\"epochs\": 1e300, \"batchSize\": 10}"), "training.epochs"),
                Arguments.of("hidden size over the limit", with("model", "{\"type\": \"mlp\", \"hiddenSizes\": [100000]}"), "model.hiddenSizes[0]"),
                Arguments.of("negative hidden size", with("model", "{\"type\": \"mlp\", \"hiddenSizes\": [-4]}"), "model.hiddenSizes[0]"),
                Arguments.of("unknown model type", with("model", "{\"type\": \"transformer\"}"), "model.type"),
                Arguments.of("cnn on tabular data", with("model", "{\"type\": \"cnn\"}"), "model.type"),
                Arguments.of("malformed DL4J JSON", with("model", "{\"type\": \"dl4j-json\", \"json\": \"{not json\"}"), "model.json"),
                Arguments.of("DL4J JSON naming a foreign class", with("model",
                        "{\"type\": \"dl4j-json\", \"json\": {\"confs\": [{\"layer\": {\"@class\": \"java.net.URLClassLoader\"}}]}}"), "model.json"),
                Arguments.of("unknown dataset", with("dataset", "{\"name\": \"imagenet\"}"), "dataset.name"),
                Arguments.of("unknown uploaded dataset id", with("dataset", "{\"name\": \"" + UUID.randomUUID() + "\"}"), "dataset.name"),
                Arguments.of("too many synthetic samples", with("dataset", "{\"name\": \"synthetic-xor\", \"trainSamples\": 100000000}"), "dataset.trainSamples"),
                Arguments.of("fashion-mnist subset too large", with("dataset", "{\"name\": \"fashion-mnist\", \"trainSamples\": 70000}"), "dataset.trainSamples"),
                Arguments.of("gpus on a cpu job", with("resources", "{\"accelerator\": \"cpu\", \"gpus\": 2}"), "resources.gpus"),
                Arguments.of("unknown accelerator", with("resources", "{\"accelerator\": \"tpu\"}"), "resources.accelerator"),
                Arguments.of("float16 on cpu", with("training", "{\"epochs\": 1, \"batchSize\": 10, \"networkDtype\": \"float16\"}")
                        .replace("\"gpu\"", "\"cpu\""), "training.networkDtype"),
                Arguments.of("wrong type", with("training", "{\"epochs\": \"many\", \"batchSize\": 10}"), "training.epochs"),
                Arguments.of("unknown top-level field", with("color", "\"blue\""), "color"),
                Arguments.of("bad label key", with("labels", "{\"bad key!\": \"x\"}"), "labels.bad key!"),
                Arguments.of("priority out of range", with("priority", "5000"), "priority"),
                Arguments.of("negative maxRetries", with("maxRetries", "-1"), "maxRetries"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpecIs400NamingTheField(String why, String spec, String field) {
        Response r = post("/api/v1/jobs", spec);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("invalid-job-spec");
        assertThat(r.json().get("status").asInt()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).as(r.body()).contains(field);
    }

    @Test
    void everyBadFieldIsListedAtOnce() {
        Response r = post("/api/v1/jobs", """
                {"model": {"type": "mlp", "hiddenSizes": [0]},
                 "dataset": {"name": "synthetic-xor"},
                 "optimizer": {"type": "adamw", "lr": -1},
                 "training": {"epochs": 0, "batchSize": 0}}""");
        assertThat(r.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("model.hiddenSizes[0]", "optimizer.lr", "training.epochs", "training.batchSize");
    }

    @Test
    void malformedAndOversizedBodiesAreClear4xx() {
        Response malformed = post("/api/v1/jobs", "{\"model\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("code").asString()).isEqualTo("malformed-json");

        Response notObject = post("/api/v1/jobs", "[1, 2]");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().get("code").asString()).isEqualTo("invalid-job-spec");

        String big = "{\"name\": \"" + "x".repeat(70 * 1024) + "\"}";
        Response tooLarge = post("/api/v1/jobs", big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("code").asString()).isEqualTo("payload-too-large");

        Response badId = get("/api/v1/jobs/not-a-uuid");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("code").asString()).isEqualTo("invalid-parameter");

        Response wrongType = send(java.net.http.HttpRequest.newBuilder(uri("/api/v1/jobs"))
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString(VALID)));
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.json().get("code").asString()).isEqualTo("unsupported-media-type");
    }

    @Test
    void idempotencyKeyReplaysTheSameBodyAndRefusesADifferentOne() {
        String key = "pipeline-run-" + UUID.randomUUID();
        Response first = post("/api/v1/jobs", VALID, Map.of("Idempotency-Key", key));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();

        // same content, different formatting and key order
        JsonNode reordered = JSON.readTree(VALID);
        String compact = JSON.writeValueAsString(new java.util.TreeMap<>(JSON.convertValue(reordered, Map.class)));
        Response replay = post("/api/v1/jobs", compact, Map.of("Idempotency-Key", key));
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("id").asString()).isEqualTo(first.json().get("id").asString());

        Response different = post("/api/v1/jobs", with("priority", "7"), Map.of("Idempotency-Key", key));
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.json().get("code").asString()).isEqualTo("idempotency-key-reused");
        assertThat(different.json().get("jobId").asString()).isEqualTo(first.json().get("id").asString());

        long rows = jdbc.sql("SELECT count(*) FROM jobs WHERE idempotency_key = :k").param("k", key).query(Long.class).single();
        assertThat(rows).isEqualTo(1);
        post("/api/v1/jobs/" + first.json().get("id").asString() + "/cancel", "");
    }

    @Test
    void listFiltersByStateAndLabelAndPagesWithACursor() {
        String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post("/api/v1/jobs", with("labels", "{\"team\": \"" + team + "\"}")).json().get("id").asString());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = get("/api/v1/jobs?label=team=" + team + "&state=QUEUED&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("items").forEach(j -> seen.add(j.get("id").asString()));
            JsonNode next = page.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        // newest first
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(get("/api/v1/jobs?label=team=" + team + "&state=SUCCEEDED").json().get("items")).isEmpty();
        assertThat(get("/api/v1/jobs?state=BOGUS").status()).isEqualTo(400);
        for (String id : ids) {
            post("/api/v1/jobs/" + id + "/cancel", "");
        }
    }
}

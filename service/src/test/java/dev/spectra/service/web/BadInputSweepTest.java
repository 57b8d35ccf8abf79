package dev.spectra.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and sloppy input on every endpoint: each is a 4xx problem+json whose message names
 * what is wrong (never a 500), and the service answers a normal request right after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputSweepTest extends ServiceTestBase {

    private static final String JSON = "application/json";
    private static final String CSV = "text/csv";
    private static final String GOOD = """
            {"name": "sweep", "model": {"type": "mlp", "hiddenSizes": [8]},
             "dataset": {"name": "synthetic-xor", "trainSamples": 100, "testSamples": 20},
             "optimizer": {"type": "adamw", "lr": 0.01}, "training": {"epochs": 1, "batchSize": 10},
             "resources": {"accelerator": "gpu", "gpus": 1}}""";

    private String job;

    @BeforeAll
    void aJob() {
        job = submit(GOOD).toString();
    }

    @AfterAll
    void cleanUp() {
        jdbc.sql("UPDATE jobs SET state = 'CANCELLED', finished_at = now() WHERE name = 'sweep' AND state = 'QUEUED'").update();
    }

    /** One bad request: expected status and a fragment the problem's detail or errors must contain. */
    record Case(String what, String method, String path, String contentType, byte[] body, int status, String mentions) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Case json(String what, String body, int status, String mentions) {
        return new Case(what, "POST", "/api/v1/jobs", JSON, body.getBytes(StandardCharsets.UTF_8), status, mentions);
    }

    private static Case spec(String what, String from, String to, String mentions) {
        return json(what, GOOD.replace(from, to), 400, mentions);
    }

    private static Case get(String what, String path, int status, String mentions) {
        return new Case(what, "GET", path, null, null, status, mentions);
    }

    private static Case csv(String what, String query, String body, int status, String mentions) {
        return new Case(what, "POST", "/api/v1/datasets" + query, CSV, body.getBytes(StandardCharsets.UTF_8), status, mentions);
    }

    Stream<Arguments> cases() {
        String nested = "[".repeat(5000) + "]".repeat(5000);
        byte[] badUtf8 = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        return Stream.of(
                json("malformed JSON", "{\"name\": ", 400, "not valid JSON"),
                json("trailing garbage after the JSON", GOOD + " {}", 400, "not valid JSON"),
                json("an array instead of an object", "[]", 400, "object"),
                json("JSON null", "null", 400, "JSON object"),
                json("a bare string", "\"job\"", 400, "object"),
                json("empty body", "", 400, "body"),
                json("nested 5000 deep", nested, 400, "not valid JSON"),
                new Case("invalid UTF-8", "POST", "/api/v1/jobs", JSON, badUtf8, 400, "UTF-8"),
                spec("epochs 1e400", "\"epochs\": 1", "\"epochs\": 1e400", "training.epochs"),
                spec("epochs 2^63", "\"epochs\": 1", "\"epochs\": 9223372036854775808", "training.epochs"),
                spec("epochs 2^31", "\"epochs\": 1", "\"epochs\": 2147483648", "training.epochs"),
                spec("lr 1e400", "\"lr\": 0.01", "\"lr\": 1e400", "optimizer.lr"),
                spec("lr NaN as a string", "\"lr\": 0.01", "\"lr\": \"NaN\"", "optimizer.lr"),
                spec("negative batch size", "\"batchSize\": 10", "\"batchSize\": -5", "training.batchSize"),
                spec("negative sample count", "\"trainSamples\": 100", "\"trainSamples\": -100", "dataset.trainSamples"),
                spec("negative layer width", "[8]", "[-1]", "model.hiddenSizes"),
                spec("huge priority", "\"name\": \"sweep\"", "\"name\": \"sweep\", \"priority\": 1e10", "priority"),
                spec("unknown top-level field", "\"name\": \"sweep\"", "\"name\": \"sweep\", \"bogus\": 1", "bogus"),
                spec("unknown training field", "\"epochs\": 1", "\"epochs\": 1, \"epochz\": 2", "training.epochz"),
                spec("name of 300 characters", "\"name\": \"sweep\"", "\"name\": \"" + "n".repeat(300) + "\"", "name"),
                spec("a DL4J config naming a class outside the allowlist", "{\"type\": \"mlp\", \"hiddenSizes\": [8]}",
                        "{\"type\": \"dl4j-json\", \"json\": {\"@class\": \"java.lang.ProcessBuilder\", \"command\": [\"id\"]}}",
                        "model"),
                json("oversized JSON body", GOOD.replace("\"name\": \"sweep\"", "\"name\": \"" + "x".repeat(70_000) + "\""),
                        413, "exceeds the limit"),
                new Case("text/plain to the job endpoint", "POST", "/api/v1/jobs", "text/plain", GOOD.getBytes(), 415, "Content-Type"),
                new Case("no content type", "POST", "/api/v1/jobs", null, GOOD.getBytes(), 415, "Content-Type"),
                new Case("Idempotency-Key of 300 characters", "POST", "/api/v1/jobs?k", JSON, GOOD.getBytes(), 400, "Idempotency-Key"),
                get("bad UUID in a job path", "/api/v1/jobs/not-a-uuid", 400, "id"),
                get("bad UUID for the model", "/api/v1/jobs/123/model", 400, "id"),
                get("bad UUID for the stream", "/api/v1/jobs/zzz/stream", 400, "id"),
                new Case("bad UUID to cancel", "POST", "/api/v1/jobs/not-a-uuid/cancel", null, new byte[0], 400, "id"),
                get("limit not a number", "/api/v1/jobs?limit=abc", 400, "limit"),
                get("limit 0", "/api/v1/jobs?limit=0", 400, "limit"),
                get("limit beyond int", "/api/v1/jobs?limit=99999999999", 400, "limit"),
                get("unknown state", "/api/v1/jobs?state=BOGUS", 400, "state"),
                get("label without value", "/api/v1/jobs?label=novalue", 400, "label"),
                get("forged cursor", "/api/v1/jobs?cursor=%25%25%25", 400, "cursor"),
                get("fromStep not a number", "/api/v1/jobs/{job}/metrics/loss?fromStep=abc", 400, "fromStep"),
                get("fromStep 2^63", "/api/v1/jobs/{job}/metrics/loss?fromStep=9223372036854775808", 400, "fromStep"),
                get("maxPoints too small", "/api/v1/jobs/{job}/metrics/loss?maxPoints=1", 400, "maxPoints"),
                get("fromStep after toStep", "/api/v1/jobs/{job}/metrics/loss?fromStep=10&toStep=1", 400, "fromStep"),
                get("forged metric cursor", "/api/v1/jobs/{job}/metrics/loss?cursor=zzz", 400, "cursor"),
                get("events after not a number", "/api/v1/jobs/{job}/events?after=x", 400, "after"),
                get("events limit negative", "/api/v1/jobs/{job}/events?limit=-1", 400, "limit"),
                csv("CSV with ragged rows", "", "1,2,0\n3,4,1\n5,1\n", 400, "line 3"),
                csv("CSV with NaN", "", "1,2,0\nNaN,4,1\n5,6,0\n", 400, "line 2"),
                csv("CSV with Infinity", "", "1,2,0\n1e400,4,1\n5,6,0\n", 400, "not a finite number"),
                csv("CSV with a negative label", "", "1,2,0\n3,4,-1\n5,6,1\n", 400, "label"),
                csv("CSV with a fractional label", "", "1,2,0\n3,4,1.5\n5,6,1\n", 400, "label"),
                csv("CSV with a label beyond max classes", "", "1,2,0\n3,4,999999\n5,6,1\n", 400, "label"),
                csv("CSV with one class", "", "1,2,0\n3,4,0\n", 400, "only one class"),
                csv("empty CSV", "", "", 400, "body"),
                csv("binary garbage", "", "\u0000\u0001\u0002\uFFFD", 400, "body"),
                csv("oversized CSV", "", "1,2,0\n".repeat(50_000), 413, "exceeds the limit"),
                csv("header not a boolean", "?header=maybe", "1,2,0\n3,4,1\n", 400, "header"),
                csv("label column out of range", "?labelColumn=99", "1,2,0\n3,4,1\n", 400, "label column 99"),
                csv("blank name", "?name=%20", "1,2,0\n3,4,1\n", 400, "name"),
                new Case("JSON to the CSV endpoint", "POST", "/api/v1/datasets", JSON, "{}".getBytes(), 415, "Content-Type"),
                get("dataset limit 0", "/api/v1/datasets?limit=0", 400, "limit"),
                get("bad dataset UUID", "/api/v1/datasets/nope", 400, "id"),
                new Case("malformed token request", "POST", "/api/v1/tokens", JSON, "{\"name\":".getBytes(), 400, "not valid JSON"),
                new Case("token request not an object", "POST", "/api/v1/tokens", JSON, "[1]".getBytes(), 400, "object"),
                new Case("token name not a string", "POST", "/api/v1/tokens", JSON, "{\"name\": 5, \"tenant\": \"a\"}".getBytes(), 400, "name"),
                new Case("bad token UUID", "DELETE", "/api/v1/tokens/nope", null, null, 400, "id"),
                get("includeRevoked not a boolean", "/api/v1/tokens?includeRevoked=maybe", 400, "includeRevoked"),
                get("audit limit 0", "/api/v1/audit?limit=0", 400, "limit"),
                new Case("PUT on the job list", "PUT", "/api/v1/jobs", JSON, "{}".getBytes(), 405, "PUT"),
                get("unknown path", "/api/v1/nothing-here", 404, "/api/v1/nothing-here")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsAClear4xxAndTheServiceKeepsServing(Case c) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(c.path().replace("{job}", job).replace("?k", "")));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        if (c.path().endsWith("?k")) {
            b.header("Idempotency-Key", "k".repeat(300));
        }
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        Response r = send(b);

        assertThat(r.status()).as("%s -> %s", c.what(), r.body()).isEqualTo(c.status());
        assertThat(r.header("Content-Type")).as(c.what()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isNotBlank();
        String said = r.json().get("detail").asString() + " " + (r.json().has("errors") ? r.json().get("errors").toString() : "");
        assertThat(said).as("the problem names what is wrong").containsIgnoringCase(c.mentions());

        assertThat(get("/api/v1/jobs?limit=1").status()).as("a normal request after " + c.what()).isEqualTo(200);
    }
}

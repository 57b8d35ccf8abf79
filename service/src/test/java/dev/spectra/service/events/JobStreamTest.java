package dev.spectra.service.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.service.support.ServiceTestBase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The SSE stream: events while a job runs, the end of the stream, Last-Event-ID resume, keep-alives. */
class JobStreamTest extends ServiceTestBase {

    /** One parsed SSE message (or a comment when {@code comment} is set). */
    record Sse(String id, String event, String data, String comment) {
    }

    private List<Sse> readStream(UUID id, String lastEventId, Duration max) throws Exception {
        return readStream(id, lastEventId, max, ADMIN_TOKEN);
    }

    private List<Sse> readStream(UUID id, String lastEventId, Duration max, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/v1/jobs/" + id + "/stream"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").timeout(max);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<Sse> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            String sid = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (event != null || data.length() > 0) {
                        out.add(new Sse(sid, event, data.toString(), null));
                    }
                    sid = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    out.add(new Sse(null, null, null, line.substring(1)));
                } else if (line.startsWith("id:")) {
                    sid = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                }
            }
        }
        return out;
    }

    @Test
    void streamFollowsAJobToItsEndAndResumesAfterLastEventId() throws Exception {
        UUID id = submit(blobsJob("streamed", 4, 0));
        List<Sse> events = readStream(id, null, Duration.ofMinutes(3));

        List<Sse> states = events.stream().filter(e -> "state".equals(e.event())).toList();
        List<String> reasons = states.stream().map(e -> JSON.readTree(e.data()).get("reason").asString()).toList();
        assertThat(reasons).containsExactly("SUBMITTED", "CLAIMED", "COMPLETED");
        assertThat(events.stream().filter(e -> "progress".equals(e.event())).count()).isGreaterThanOrEqualTo(1);
        List<Sse> metrics = events.stream().filter(e -> "metric".equals(e.event())).toList();
        assertThat(metrics).isNotEmpty();
        JsonNode lastMetric = JSON.readTree(metrics.get(metrics.size() - 1).data());
        assertThat(lastMetric.get("step").asLong()).isEqualTo(40);
        assertThat(lastMetric.at("/values/loss").isNumber()).isTrue();
        // the last message is the terminal state or what followed it in the same poll; the server closed the stream
        assertThat(job(id).get("state").asString()).isEqualTo("SUCCEEDED");

        // ids increase; resuming after the CLAIMED event replays only COMPLETED (and current progress/metrics)
        String afterClaimed = states.get(1).id();
        List<Sse> resumed = readStream(id, afterClaimed, Duration.ofSeconds(30));
        List<String> resumedReasons = resumed.stream().filter(e -> "state".equals(e.event()))
                .map(e -> JSON.readTree(e.data()).get("reason").asString()).toList();
        assertThat(resumedReasons).containsExactly("COMPLETED");
        // resuming at the very end sends no metric again
        String end = events.get(events.size() - 1).id();
        List<Sse> atEnd = readStream(id, end, Duration.ofSeconds(30));
        assertThat(atEnd.stream().filter(e -> "state".equals(e.event()) || "metric".equals(e.event()))).isEmpty();
    }

    @Test
    void idleStreamGetsKeepAliveComments() throws Exception {
        UUID id = submit(gpuJob("idle-stream"));
        Thread canceller = new Thread(() -> {
            sleep(2500);
            post("/api/v1/jobs/" + id + "/cancel", "");
        });
        canceller.start();
        List<Sse> events = readStream(id, null, Duration.ofSeconds(30));
        canceller.join();
        assertThat(events.stream().filter(e -> e.comment() != null).count()).isGreaterThanOrEqualTo(2);
        assertThat(events.stream().filter(e -> "state".equals(e.event()))
                .map(e -> JSON.readTree(e.data()).get("reason").asString()).toList())
                .containsExactly("SUBMITTED", "CANCELLED_WHILE_QUEUED");
    }

    @Test
    void aStreamEndsWithAClosedEventWhenItsTokenIsRevoked() throws Exception {
        UUID id = submit(gpuJob("revoked-stream")); // no gpu worker: stays queued, the stream would stay open
        Response created = post("/api/v1/tokens", "{\"name\": \"watcher\", \"tenant\": \"default\", \"scopes\": [\"jobs:read\"]}");
        String token = created.json().get("token").asString();
        String tokenId = created.json().get("id").asString();
        long[] revokedAt = new long[1];
        Thread revoker = new Thread(() -> {
            sleep(1500);
            revokedAt[0] = System.nanoTime();
            send(HttpRequest.newBuilder(uri("/api/v1/tokens/" + tokenId)).DELETE());
        });
        revoker.start();
        List<Sse> events = readStream(id, null, Duration.ofSeconds(30), token); // returns when the server ends it
        long endedAfterRevokeMs = (System.nanoTime() - revokedAt[0]) / 1_000_000;
        revoker.join();
        assertThat(events.stream().filter(e -> "state".equals(e.event()))).hasSize(1); // SUBMITTED
        Sse last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("closed");
        assertThat(JSON.readTree(last.data()).get("reason").asString()).isEqualTo("token-invalid");
        // checked about once a second by the hub (poll every 100 ms in tests): well within 5 s, far below the 30 s timeout
        assertThat(endedAfterRevokeMs).isLessThan(5000);
        assertThat(getAs(token, "/api/v1/jobs/" + id + "/stream").status()).isEqualTo(401);
        post("/api/v1/jobs/" + id + "/cancel", "");
    }

    @Test
    void unknownJobStreamIs404() {
        Response r = send(HttpRequest.newBuilder(uri("/api/v1/jobs/" + UUID.randomUUID() + "/stream"))
                .header("Accept", "text/event-stream").GET());
        assertThat(r.status()).isEqualTo(404);
    }
}

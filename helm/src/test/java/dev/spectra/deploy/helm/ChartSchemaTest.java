package dev.spectra.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json and the chart's cross-field checks turn bad values into errors naming the field. */
class ChartSchemaTest {

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("api.replicas", 0, "/api/replicas"),
                Arguments.of("api.replicas", "two", "/api/replicas"),
                Arguments.of("apii.replicas", 2, "additional properties 'apii' not allowed"),
                Arguments.of("management.port", 8080, "/management/port"),
                Arguments.of("management.port", 70000, "/management/port"),
                Arguments.of("image.pullPolicy", "Sometimes", "/image/pullPolicy"),
                Arguments.of("migrations.mode", "later", "/migrations/mode"),
                Arguments.of("workers[0].name", "GPU_Pool", "/workers/0/name"),
                Arguments.of("workers[0].accelerator", "tpu", "/workers/0/accelerator"),
                Arguments.of("workers[0].replicas", -1, "/workers/0/replicas"),
                Arguments.of("workers[0].slots", 0, "/workers/0/slots"),
                Arguments.of("workers[0].terminationGracePeriodSeconds", 5, "/workers/0/terminationGracePeriodSeconds"),
                Arguments.of("workers[0].ompThreads", 0, "/workers/0/ompThreads"),
                Arguments.of("workers[0].gpus", 1, "/workers/0"),
                Arguments.of("workerDefaults.slots", 0, "/workerDefaults/slots"),
                Arguments.of("auth.bootstrapToken", "short", "/auth/bootstrapToken"),
                Arguments.of("database.url", "postgres://db/spectra", "/database/url"),
                Arguments.of("metrics.serviceMonitor.interval", "often", "/metrics/serviceMonitor/interval"),
                Arguments.of("api.ingress.hosts[0].paths[0].pathType", "Regex", "/api/ingress/hosts/0/paths/0/pathType"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void schemaRejectsBadValues(String key, Object value, String pointerInError) {
        ChartRenderer renderer = ChartRenderer.withRequiredValues();
        if (key.startsWith("workers[0].")) {
            String field = key.substring("workers[0].".length());
            renderer.values("workers:\n  - " + (field.equals("name") ? "" : "name: cpu\n    ") + field + ": " + yamlScalar(value) + "\n");
        } else if (key.startsWith("api.ingress.hosts")) {
            renderer.values("api:\n  ingress:\n    hosts:\n      - host: a.example\n        paths:\n          - path: /\n            pathType: " + value + "\n");
        } else {
            renderer.set(key, value);
        }
        String error = renderer.renderError();
        assertThat(error).contains("values don't meet the specifications of the schema").contains(pointerInError);
    }

    private static String yamlScalar(Object value) {
        return value instanceof String str ? "\"" + str + "\"" : String.valueOf(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crossFieldViolations")
    void crossFieldChecksExplainWhatToChange(String description, ChartRenderer renderer, String message) {
        assertThat(renderer.renderError()).contains(message);
    }

    static Stream<Arguments> crossFieldViolations() {
        return Stream.of(
                Arguments.of("migration job with bundled db", ChartRenderer.bare().ciValues("trial-values.yaml")
                        .values("migrations:\n  mode: job\n"), "migrations.mode=job needs an external database"),
                Arguments.of("hpa max < min", ChartRenderer.withRequiredValues().set("api.autoscaling.enabled", true)
                        .set("api.autoscaling.minReplicas", 4).set("api.autoscaling.maxReplicas", 2), "maxReplicas must be >= "),
                Arguments.of("management port = api port", ChartRenderer.withRequiredValues().set("api.service.port", 8081),
                        "management.port must differ from api.service.port"),
                Arguments.of("grace <= margin", ChartRenderer.withRequiredValues()
                        .values("workers:\n  - name: cpu\n    terminationGracePeriodSeconds: 30\n    shutdownMarginSeconds: 30\n"),
                        "must exceed shutdownMarginSeconds"));
    }
}

package dev.spectra.deploy.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.spectra.deploy.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders helm/spectra with the real Helm engine (helm-java embeds Helm's Go library), like
 * {@code helm template spectra helm/spectra -n ml -f ... --set ...}.
 */
final class ChartRenderer {

    static final String RELEASE = "spectra";
    static final String NAMESPACE = "ml";
    /** The values every install must give when the chart creates the Secret. */
    static final String DB_HOST = "db.internal.example";
    static final String DB_PASSWORD = "s3cr3t-db-pass-7f2a";
    static final String BOOTSTRAP_TOKEN = "bootstrap-token-0123456789abcdef";

    private final Map<String, Object> sets = new LinkedHashMap<>();
    private final Map<Path, Boolean> valuesFiles = new LinkedHashMap<>();

    private ChartRenderer() {
    }

    /** Defaults plus the required database host and password. */
    static ChartRenderer withRequiredValues() {
        return bare().set("database.host", DB_HOST).set("database.password", DB_PASSWORD)
                .set("auth.bootstrapToken", BOOTSTRAP_TOKEN);
    }

    /** Exactly the chart's values.yaml. */
    static ChartRenderer bare() {
        return new ChartRenderer();
    }

    ChartRenderer set(String key, Object value) {
        sets.put(key, value);
        return this;
    }

    /** A values file from helm/spectra/ci/. */
    ChartRenderer ciValues(String fileName) {
        valuesFiles.put(RepoPaths.chart().resolve("ci").resolve(fileName), true);
        return this;
    }

    /**
     * Values given as YAML text (written to a temporary file). Preferred over {@link #set} for
     * lists and for values with punctuation, which the embedded --set parsing mangles.
     */
    ChartRenderer values(String yaml) {
        try {
            Path file = Files.createTempFile("spectra-values-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, yaml);
            valuesFiles.put(file, true);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RenderedChart render() {
        return new RenderedChart(renderRaw());
    }

    String renderRaw() {
        TemplateCommand cmd = new Helm(RepoPaths.chart()).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion("1.30.0");
        valuesFiles.keySet().forEach(cmd::withValuesFile);
        sets.forEach(cmd::set);
        return cmd.call();
    }

    /** Renders and returns Helm's error message; fails the test when rendering succeeds. */
    String renderError() {
        try {
            String out = renderRaw();
            throw new AssertionError("expected helm template to fail for " + sets + " " + valuesFiles.keySet()
                    + " but it rendered:\n" + out.substring(0, Math.min(out.length(), 2000)));
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}

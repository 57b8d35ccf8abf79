package dev.spectra.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/deployment.md's configuration reference against the service's
 * {@code @ConfigurationProperties} records: every property is listed, with its default.
 */
class DeploymentDocsTest {

    /** One record component: {@code spectra.worker.lease-duration}, default {@code 30s}. */
    record Property(String name, Optional<String> defaultValue) {
    }

    private static final Pattern RECORD = Pattern.compile(
            "@ConfigurationProperties\\(\"([^\"]+)\"\\)\\s*public record \\w+\\((.*?)\\)\\s*(\\{|implements)", Pattern.DOTALL);
    private static final Pattern COMPONENT = Pattern.compile(
            "(?:@DefaultValue\\(\"([^\"]*)\"\\)\\s*)?[\\w.<>]+\\s+(\\w+)\\s*(?:,|$)");

    static List<Property> serviceProperties() throws IOException {
        List<Property> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(RepoPaths.root().resolve("service/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher r = RECORD.matcher(Files.readString(f));
                while (r.find()) {
                    Matcher c = COMPONENT.matcher(r.group(2).strip());
                    while (c.find()) {
                        out.add(new Property(r.group(1) + "." + kebab(c.group(2)), Optional.ofNullable(c.group(1))));
                    }
                }
            }
        }
        return out;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Test
    void everyServicePropertyIsDocumentedWithItsDefault() throws IOException {
        List<Property> props = serviceProperties();
        assertThat(props).extracting(Property::name)
                .contains("spectra.db.url", "spectra.worker.lease-duration", "spectra.limits.max-epochs", "spectra.api.enabled");
        List<String> rows = Files.readAllLines(RepoPaths.root().resolve("docs/deployment.md")).stream()
                .filter(l -> l.startsWith("| `spectra.")).toList();
        for (Property p : props) {
            String row = rows.stream().filter(l -> l.startsWith("| `" + p.name() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/deployment.md has no row for " + p.name()));
            String env = p.name().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
            assertThat(row).as("env var of %s", p.name()).contains("`" + env + "`");
            p.defaultValue().ifPresent(d -> assertThat(row).as("default of %s", p.name()).contains(d));
        }
    }

    @Test
    void componentParsingReadsNamesAndDefaults() {
        Matcher c = COMPONENT.matcher("@DefaultValue(\"30s\") Duration leaseDuration,\n String name, Integer ompThreads");
        List<String> found = new ArrayList<>();
        while (c.find()) {
            found.add(kebab(c.group(2)) + "=" + c.group(1));
        }
        assertThat(found).containsExactly("lease-duration=30s", "name=null", "omp-threads=null");
    }
}

package dev.spectra.deploy.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus' promtool (from Debian's prometheus package, which .ci/run unpacks). In CI a missing
 * promtool fails the test; elsewhere the promtool checks are skipped.
 */
public final class Promtool {

    private final Path binary;

    private Promtool(Path binary) {
        this.binary = binary;
    }

    public static Promtool require() {
        Path found = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("promtool is not on the PATH; .ci/run installs it from Debian's prometheus package");
        }
        Assumptions.assumeTrue(found != null, "promtool not installed (apt-get download prometheus; see .ci/run)");
        return new Promtool(found);
    }

    /** Runs promtool in a directory; asserts exit code 0 and returns its output. */
    public String run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
        return out;
    }
}

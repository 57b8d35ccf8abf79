package dev.spectra.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.spectra.deploy.support.Dashboards;
import dev.spectra.deploy.support.RepoPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint --strict and helm package on the chart as it is in the repository. */
class ChartLintTest {

    @Test
    void chartLintsCleanlyInStrictMode() {
        LintResult result = new Helm(RepoPaths.chart()).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void packagedChartCarriesTheDashboardFilesThemselvesAndNotTheCiValues(@TempDir Path out) throws IOException {
        new Helm(RepoPaths.chart()).packageIt().withDestination(out).call();
        Path tgz;
        try (Stream<Path> s = Files.list(out)) {
            tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
        }
        assertThat(tgz.getFileName().toString()).isEqualTo("spectra-0.1.0.tgz");
        Map<String, String> entries = untar(tgz);
        for (Path file : Dashboards.files()) {
            assertThat(entries.get("spectra/dashboards/" + file.getFileName())).as("packaged %s", file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
        assertThat(entries).containsKeys("spectra/Chart.yaml", "spectra/values.yaml", "spectra/values.schema.json");
        assertThat(entries.keySet()).noneMatch(name -> name.startsWith("spectra/ci/"));
    }

    /** Regular files of a gzipped ustar archive (what helm package writes). */
    private static Map<String, String> untar(Path tgz) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                byte type = header[156];
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(in.readNBytes((int) size));
                in.skipNBytes((512 - size % 512) % 512);
                if (type == '0' || type == 0) {
                    files.put(prefix.isEmpty() ? name : prefix + "/" + name, body.toString(StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}

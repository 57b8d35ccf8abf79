package dev.spectra.optim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Runs a spectra-bench subcommand in-process and checks what every subcommand must produce. */
final class BenchRun {

    final int exitCode;
    final String stdout;
    final String stderr;
    final JsonNode json;

    private BenchRun(int exitCode, String stdout, String stderr, JsonNode json) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.json = json;
    }

    static BenchRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SpectraBench.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        String text = out.toString().strip();
        JsonNode json = null;
        if (code == 0) {
            String last = text.substring(text.lastIndexOf('\n') + 1);
            try {
                json = new ObjectMapper().readTree(last);
            } catch (IOException e) {
                throw new UncheckedIOException("last stdout line is not JSON: " + last, e);
            }
        }
        return new BenchRun(code, text, err.toString(), json);
    }

    /** Exit 0, the machine block, and every file listed in "files" exists and is non-empty. */
    BenchRun assertCompleteRun(String benchmark) {
        assertThat(exitCode).as("exit code; stderr: %s", stderr).isZero();
        assertThat(json.get("benchmark").asText()).isEqualTo(benchmark);
        JsonNode machine = json.get("machine");
        assertThat(machine.get("cores").asInt()).isPositive();
        assertThat(machine.has("OMP_NUM_THREADS")).isTrue();
        assertThat(machine.get("ompMaxThreads").asInt()).isPositive();
        assertThat(machine.has("nd4jBackend")).isTrue();
        JsonNode files = json.get("files");
        assertThat(files.size()).isGreaterThanOrEqualTo(2);
        boolean csv = false;
        boolean png = false;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) files::fields) {
            Path p = Path.of(e.getValue().asText());
            try {
                assertThat(Files.size(p)).as("size of %s", p).isPositive();
                if (p.toString().endsWith(".png")) {
                    byte[] head = Files.readAllBytes(p);
                    assertThat(head[1]).as("PNG signature of %s", p).isEqualTo((byte) 'P');
                    png = true;
                }
                if (p.toString().endsWith(".csv")) {
                    assertThat(Files.readAllLines(p).size()).as("rows of %s", p).isGreaterThan(1);
                    csv = true;
                }
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        assertThat(csv).as("a CSV was written").isTrue();
        assertThat(png).as("a PNG was written").isTrue();
        return this;
    }
}

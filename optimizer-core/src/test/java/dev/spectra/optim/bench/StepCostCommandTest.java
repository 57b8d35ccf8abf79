package dev.spectra.optim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepCostCommandTest {

    @TempDir
    Path out;

    @Test
    void timesEveryOptimizerAtEverySizeAndRelatesUpdatesToShampoo() {
        BenchRun run = BenchRun.of("step-cost", "--out", out.toString(), "--sizes", "16,48",
                "--optimizers", "adamw,muon,shampoo,soap", "--repeats", "3", "--warmups", "1", "--interval", "2")
                .assertCompleteRun("step-cost");
        var json = run.json;
        for (String opt : new String[] {"adamw", "muon", "shampoo", "soap"}) {
            for (String n : new String[] {"16", "48"}) {
                assertThat(json.at("/stepMs/" + opt + "/" + n).asDouble()).as("%s n=%s", opt, n).isPositive();
                assertThat(json.at("/stateBytes/" + opt + "/" + n).asLong()).isPositive();
            }
        }
        // Update costs exist for the methods with an interval; Shampoo's ratio to itself is 1. The
        // update is measured as (every step updates) - (never updates), so at n=48 it is ~1 ms of
        // eigendecomposition against ~0.1 ms steps: large enough not to vanish in timing noise.
        assertThat(json.at("/updateMs/shampoo/48").isNumber()).isTrue();
        assertThat(json.at("/updateMs/soap/48").isNumber()).isTrue();
        assertThat(json.at("/updateMs/adamw").isMissingNode()).isTrue();
        assertThat(json.at("/ratioToShampoo/shampoo/48").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/gemmGflops/48").asDouble()).isPositive();
        for (String kernel : new String[] {"gemm", "syrk", "gesv", "syevd", "qr", "copy"}) {
            assertThat(json.at("/kernelMs/48/" + kernel).asDouble()).as(kernel).isPositive();
        }
        assertThat(json.at("/stateBytes/shampoo/48").asLong()).as("L, R, roots, graft m/v, momentum")
                .isEqualTo(4L * (4 * 48 * 48 + 3 * 48 * 48));
        assertThat(json.at("/settings/interval").asInt()).isEqualTo(2);
    }

    @Test
    void badOptionsAreOneLineErrorsNamingTheOption() {
        BenchRun run = BenchRun.of("step-cost", "--out", out.toString(), "--sizes", "1", "--optimizers", "adamw");
        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.stderr).contains("--sizes must be >= 2 but was 1");
        BenchRun unknown = BenchRun.of("step-cost", "--out", out.toString(), "--optimizers", "lion");
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.stderr).contains("unknown optimizer 'lion'");
    }
}

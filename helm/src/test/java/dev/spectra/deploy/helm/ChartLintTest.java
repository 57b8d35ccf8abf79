package dev.spectra.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.spectra.deploy.support.RepoPaths;
import org.junit.jupiter.api.Test;

/** helm lint --strict on the chart as it is in the repository. */
class ChartLintTest {

    @Test
    void chartLintsCleanlyInStrictMode() {
        LintResult result = new Helm(RepoPaths.chart()).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}

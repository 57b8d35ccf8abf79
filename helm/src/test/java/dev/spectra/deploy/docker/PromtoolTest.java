package dev.spectra.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.deploy.support.Dashboards;
import dev.spectra.deploy.support.Promtool;
import dev.spectra.deploy.support.RepoPaths;
import dev.spectra.deploy.support.Yaml;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own checker on the compose stack's Prometheus files and on the dashboards: the
 * scrape config, the alert rules with unit tests that feed series and expect each alert to fire
 * or stay silent, and the PromQL of every dashboard panel.
 */
class PromtoolTest {

    private static Promtool promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Promtool.require();
    }

    @Test
    void composeScrapeConfigIsValid() throws Exception {
        promtool.run(RepoPaths.docker(), "check", "config", "--syntax-only", "prometheus/prometheus.yml");
    }

    @Test
    void alertRulesFireWhenTheyShouldAndStaySilentOtherwise(@TempDir Path dir) throws Exception {
        Files.copy(RepoPaths.docker().resolve("prometheus/alerts.yml"), dir.resolve("alerts.yml"));
        try (InputStream test = PromtoolTest.class.getResourceAsStream("/promtool/alerts-test.yml")) {
            Files.copy(test, dir.resolve("alerts-test.yml"));
        }
        assertThat(promtool.run(dir, "check", "rules", "alerts.yml")).contains("SUCCESS: 4 rules found");
        assertThat(promtool.run(dir, "test", "rules", "alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
        // Each panel query becomes a recording rule, which promtool parses; Grafana's interval
        // variables become durations as Grafana would substitute them.
        List<Map<String, Object>> rules = new ArrayList<>();
        int i = 0;
        for (Dashboards.Query q : Dashboards.prometheusQueries()) {
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("record", "spectra_dashboard:query_" + i++);
            rule.put("expr", q.text().replace("$__rate_interval", "1m").replace("$__interval", "30s").replace("$__range", "1h"));
            rules.add(rule);
        }
        Map<String, Object> file = Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules)));
        Files.writeString(dir.resolve("dashboards.yml"), Yaml.YAML.writeValueAsString(file));
        assertThat(promtool.run(dir, "check", "rules", "dashboards.yml")).contains("SUCCESS: " + rules.size() + " rules found");
    }
}

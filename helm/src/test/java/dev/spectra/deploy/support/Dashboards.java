package dev.spectra.deploy.support;

import java.util.LinkedHashMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** The Grafana dashboards under docker/grafana/dashboards and the queries inside them. */
public final class Dashboards {

    /** One query of a panel or a template variable. */
    public record Query(String dashboard, String where, String datasourceType, String text) {
    }

    private Dashboards() {
    }

    public static List<Path> files() {
        try (Stream<Path> s = Files.list(RepoPaths.dashboards())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return Yaml.JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** Every panel, rows' nested panels included. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Datasource variable name -> datasource plugin type ({@code prometheus}, {@code grafana-postgresql-datasource}). */
    public static Map<String, String> datasourceVariables(JsonNode dashboard) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("datasource".equals(v.path("type").asString())) {
                vars.put(v.path("name").asString(), v.path("query").asString());
            }
        }
        return vars;
    }

    public static List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (Path file : files()) {
            JsonNode d = read(file);
            String name = file.getFileName().toString();
            for (JsonNode p : panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    String type = t.path("datasource").path("type").asString(p.path("datasource").path("type").asString());
                    String text = t.has("expr") ? t.path("expr").asString() : t.path("rawSql").asString();
                    out.add(new Query(name, "panel '" + p.path("title").asString() + "' " + t.path("refId").asString(), type, text));
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if ("query".equals(v.path("type").asString())) {
                    out.add(new Query(name, "variable " + v.path("name").asString(),
                            v.path("datasource").path("type").asString(), v.path("query").asString()));
                }
            }
        }
        return out;
    }

    public static List<Query> prometheusQueries() {
        return queries().stream().filter(q -> q.datasourceType().equals("prometheus")).toList();
    }

    public static List<Query> sqlQueries() {
        return queries().stream().filter(q -> q.datasourceType().equals("grafana-postgresql-datasource")).toList();
    }

    /** A dashboard SQL query with its Grafana variables replaced by sample values, runnable in psql. */
    public static String runnableSql(String sql) {
        return sql.replace("$job_id", "00000000-0000-0000-0000-000000000000")
                .replace("$metric_key", "loss");
    }
}

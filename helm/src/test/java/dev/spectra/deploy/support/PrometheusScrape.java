package dev.spectra.deploy.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition: series names and their label sets. */
public final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, List<Map<String, String>>> series = new HashMap<>();
    private final Map<String, Double> sums = new HashMap<>();

    public PrometheusScrape(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            series.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
            String[] parts = line.strip().split("\\s+");
            String value = m.group(2) == null ? parts[1] : line.substring(line.lastIndexOf('}') + 1).strip().split("\\s+")[0];
            sums.merge(m.group(1), Double.parseDouble(value), Double::sum);
        }
    }

    public Set<String> names() {
        return new TreeSet<>(series.keySet());
    }

    /** The sum of all samples of a series (all label sets). */
    public double value(String name) {
        Double v = sums.get(name);
        if (v == null) {
            throw new AssertionError("no series " + name);
        }
        return v;
    }

    public boolean has(String name) {
        return series.containsKey(name);
    }

    /** Whether some sample of the series carries label=value. */
    public boolean hasLabel(String name, String label, String value) {
        return series.getOrDefault(name, List.of()).stream().anyMatch(l -> value.equals(l.get(label)));
    }

    public Set<String> labelValues(String name, String label) {
        Set<String> out = new TreeSet<>();
        series.getOrDefault(name, List.of()).forEach(l -> {
            if (l.containsKey(label)) {
                out.add(l.get(label));
            }
        });
        return out;
    }
}

package dev.spectra.deploy.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** YAML and JSON reading shared by the chart and docker checks. */
public final class Yaml {

    public static final ObjectMapper YAML = YAMLMapper.builder().build();
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private Yaml() {
    }

    /** All non-empty documents of a multi-document YAML stream, as maps. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> documents(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (MappingIterator<Object> it = YAML.readerFor(Object.class).readValues(yaml)) {
            while (it.hasNext()) {
                Object doc = it.next();
                if (doc instanceof Map<?, ?> map && !map.isEmpty()) {
                    docs.add((Map<String, Object>) map);
                }
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> file(Path path) {
        try {
            Object value = YAML.readValue(Files.readString(path), Object.class);
            return (Map<String, Object>) Objects.requireNonNull(value, () -> path + " is empty");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /** Follows a path of map keys / list indexes; null when any step is missing. */
    @SuppressWarnings("unchecked")
    public static <T> T at(Object node, Object... path) {
        Object cur = node;
        for (Object step : path) {
            if (cur instanceof Map<?, ?> map) {
                cur = map.get(step);
            } else if (cur instanceof List<?> list && step instanceof Integer i) {
                cur = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return (T) cur;
    }
}

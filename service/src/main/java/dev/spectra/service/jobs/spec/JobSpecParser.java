package dev.spectra.service.jobs.spec;

import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
import dev.spectra.optim.data.SyntheticDatasets;
import dev.spectra.optim.model.Dl4jJsonSpec;
import dev.spectra.optim.model.ModelLimits;
import dev.spectra.optim.model.ModelSpec;
import dev.spectra.optim.model.ModelSpecs;
import dev.spectra.service.config.LimitsProperties;
import dev.spectra.service.web.ApiException;
import dev.spectra.service.web.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a submitted job spec (parsed JSON) into a {@link JobSpec} with every default filled in,
 * or fails with one 400 problem listing every bad field. Besides types and ranges it enforces
 * the configured {@link LimitsProperties} on everything that drives a worker's memory and time:
 * epochs, batch size, layer widths and count, total parameters, dataset sizes.
 */
@Component
public class JobSpecParser {

    public static final String CODE = "invalid-job-spec";

    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-/]{0,62}");
    private static final Set<String> SCHEDULES = new LinkedHashSet<>(List.of("constant", "cosine", "linear"));
    private static final Set<String> NETWORK_DTYPES = new LinkedHashSet<>(List.of("float32", "float64", "float16"));
    private static final int FASHION_TRAIN = 60_000;
    private static final int FASHION_TEST = 10_000;

    private final LimitsProperties limits;
    private final DatasetCatalog datasets;
    private final JsonMapper json;

    public JobSpecParser(LimitsProperties limits, DatasetCatalog datasets, JsonMapper json) {
        this.limits = limits;
        this.datasets = datasets;
        this.json = json;
    }

    /** A validated spec with what the queue needs to know about it. */
    public record Parsed(JobSpec spec, OptimizerConfig optimizer, long totalSteps, long parameters) {
    }

    public Parsed parse(String tenant, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        FieldReader root = FieldReader.object("", body, true, errors);
        if (root == null) {
            throw ApiException.invalid(CODE, "Invalid job spec", List.of(FieldError.of("$", "the job spec must be a JSON object")));
        }
        String name = root.string("name", null, limits.maxNameLength(), false);
        Map<String, String> labels = labels(root, errors);
        int priority = root.intValue("priority", 0, -limits.maxPriority(), limits.maxPriority());
        int maxRetries = root.intValue("maxRetries", 2, 0, limits.maxRetries());

        ResourceSpec resources = resources(root.object("resources", false));
        DatasetParse dataset = dataset(tenant, root.object("dataset", true), errors);
        TrainingSpec training = training(root.object("training", false), resources, errors);
        OptimizerConfig optimizer = optimizer(root, errors);
        ModelParse model = model(root.object("model", true), dataset.shape, errors);
        root.rejectUnknown();

        long totalSteps = 0;
        if (dataset.shape != null && training != null) {
            if (training.batchSize() > dataset.shape.trainRows()) {
                errors.add(new FieldError("training.batchSize", "must be <= the " + dataset.shape.trainRows()
                        + " training examples of the dataset", training.batchSize()));
            }
            long perEpoch = (dataset.shape.trainRows() + training.batchSize() - 1) / training.batchSize();
            totalSteps = perEpoch * training.epochs();
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(CODE, "Invalid job spec", errors);
        }
        if (name == null || name.isBlank()) {
            name = model.spec.get("type") + "-" + optimizer.type() + "-" + dataset.spec.name();
        }
        JobSpec spec = new JobSpec(name, labels, model.spec, dataset.spec, optimizer.toSpec(), training, resources,
                priority, maxRetries);
        return new Parsed(spec, optimizer, totalSteps, model.parameters);
    }

    private Map<String, String> labels(FieldReader root, List<FieldError> errors) {
        JsonNode v = root.raw("labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            root.error("labels", "must be an object of string values", v);
            return out;
        }
        if (v.size() > limits.maxLabels()) {
            errors.add(new FieldError("labels", "must have at most " + limits.maxLabels() + " entries", v.size()));
            return out;
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String path = "labels." + e.getKey();
            if (!LABEL_KEY.matcher(e.getKey()).matches()) {
                errors.add(new FieldError(path, "key must be 1-63 characters of letters, digits, '_', '.', '-', '/'", e.getKey()));
            } else if (!e.getValue().isString()) {
                errors.add(new FieldError(path, "must be a string", FieldReader.echo(e.getValue())));
            } else if (e.getValue().asString().length() > 256) {
                errors.add(FieldError.of(path, "must be at most 256 characters"));
            } else {
                out.put(e.getKey(), e.getValue().asString());
            }
        }
        return out;
    }

    private ResourceSpec resources(FieldReader r) {
        if (r == null) {
            return new ResourceSpec(ResourceSpec.CPU, 0);
        }
        String acc = r.choice("accelerator", ResourceSpec.CPU, Set.of(ResourceSpec.CPU, ResourceSpec.GPU, ResourceSpec.ANY), false);
        int gpus = r.intValue("gpus", ResourceSpec.GPU.equals(acc) ? 1 : 0, 0, limits.maxGpus());
        if (ResourceSpec.GPU.equals(acc) && gpus < 1) {
            r.error("gpus", "must be >= 1 for a gpu job", null);
        } else if (!ResourceSpec.GPU.equals(acc) && gpus > 0) {
            r.error("gpus", "must be 0 unless resources.accelerator is gpu", r.raw("gpus"));
        }
        r.rejectUnknown();
        return new ResourceSpec(acc, gpus);
    }

    private TrainingSpec training(FieldReader t, ResourceSpec resources, List<FieldError> errors) {
        if (t == null) {
            errors.add(FieldError.of("training", "is required"));
            return null;
        }
        int epochs = t.intValue("epochs", 1, 1, limits.maxEpochs());
        int batchSize = t.intValue("batchSize", 32, 1, limits.maxBatchSize());
        long seed = t.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        int evalEvery = t.intValue("evalEveryEpochs", 1, 1, limits.maxEpochs());
        long checkpointEvery = t.integer("checkpointEverySteps", 0, 0, Integer.MAX_VALUE);
        String dtype = t.choice("networkDtype", "float32", NETWORK_DTYPES, false);
        if ("float16".equals(dtype) && !ResourceSpec.GPU.equals(resources.accelerator())) {
            t.error("networkDtype", "float16 is only supported on gpu workers (resources.accelerator = gpu)", t.raw("networkDtype"));
        }
        TrainingSpec.ScheduleSpec schedule = new TrainingSpec.ScheduleSpec("constant", 0, 0.0);
        FieldReader s = t.object("schedule", false);
        if (s != null) {
            schedule = new TrainingSpec.ScheduleSpec(
                    s.choice("type", "constant", SCHEDULES, false),
                    s.integer("warmupSteps", 0, 0, Integer.MAX_VALUE),
                    s.number("minLrRatio", 0.0, 0, false, 1));
            s.rejectUnknown();
        }
        t.rejectUnknown();
        return new TrainingSpec(epochs, batchSize, seed, evalEvery, checkpointEvery, dtype, schedule);
    }

    private OptimizerConfig optimizer(FieldReader root, List<FieldError> errors) {
        JsonNode v = root.raw("optimizer");
        if (v == null) {
            errors.add(FieldError.of("optimizer", "is required"));
            return null;
        }
        if (!v.isObject()) {
            root.error("optimizer", "must be an object", v);
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = json.convertValue(v, Map.class);
        try {
            return Optimizers.parse(map);
        } catch (InvalidConfigException e) {
            addViolations("optimizer.", e, errors);
            return null;
        }
    }

    private record DatasetParse(DatasetSpec spec, DatasetShape shape) {
    }

    private DatasetParse dataset(String tenant, FieldReader d, List<FieldError> errors) {
        if (d == null) {
            return new DatasetParse(null, null);
        }
        String name = d.string("name", null, 100, true);
        DatasetParse out = new DatasetParse(null, null);
        if (name == null) {
            // reported as required
        } else if (DatasetSpec.FASHION_MNIST.equals(name)) {
            int train = d.intValue("trainSamples", FASHION_TRAIN, 1, FASHION_TRAIN);
            int test = d.intValue("testSamples", FASHION_TEST, 1, FASHION_TEST);
            out = new DatasetParse(new DatasetSpec(name, train, test, null, null, null, null),
                    new DatasetShape(784, 10, 28, 28, 1, train));
        } else if (SyntheticDatasets.isSynthetic(name)) {
            int max = limits.maxSyntheticSamples();
            int train = d.intValue("trainSamples", 2000, 1, max);
            int test = d.intValue("testSamples", 500, 1, max);
            Integer features = null;
            Integer classes = null;
            Double noise = null;
            int width;
            int k;
            if (SyntheticDatasets.BLOBS.equals(name)) {
                features = d.intValue("features", 8, 1, limits.maxDatasetFeatures());
                classes = d.intValue("classes", 4, 2, limits.maxDatasetClasses());
                noise = d.number("noise", 1.0, 0, true, 100);
                width = features;
                k = classes;
            } else {
                width = 2;
                k = SyntheticDatasets.XOR.equals(name) ? 2 : 3;
            }
            out = new DatasetParse(new DatasetSpec(name, train, test, null, features, classes, noise),
                    new DatasetShape(width, k, 0, 0, 0, train));
        } else {
            UUID id = parseUuid(name);
            double testFraction = d.number("testFraction", 0.2, 0, true, 0.5);
            DatasetShape shape = id == null ? null : datasets.uploaded(tenant, id).orElse(null);
            if (shape == null) {
                errors.add(new FieldError("dataset.name", "is not a known dataset: use fashion-mnist, "
                        + String.join(", ", SyntheticDatasets.NAMES)
                        + " or the id of an uploaded dataset (GET /api/v1/datasets)", name));
            } else {
                long test = Math.round(shape.trainRows() * testFraction);
                long train = shape.trainRows() - test;
                if (train < 1 || test < 1) {
                    errors.add(new FieldError("dataset.testFraction", "must leave at least one training and one test row of "
                            + shape.trainRows(), testFraction));
                }
                out = new DatasetParse(new DatasetSpec(id.toString(), null, null, testFraction, null, null, null),
                        new DatasetShape(shape.features(), shape.classes(), 0, 0, 0, Math.max(train, 1)));
            }
        }
        d.rejectUnknown();
        return out;
    }

    private record ModelParse(Map<String, Object> spec, long parameters) {
    }

    /**
     * The model block goes through optimizer-core's {@link ModelSpecs#resolve}: preset fields,
     * sizes filled from the dataset, and the limits; a dl4j-json configuration is first vetted
     * for the classes it names.
     */
    private ModelParse model(FieldReader m, DatasetShape shape, List<FieldError> errors) {
        if (m == null) {
            return new ModelParse(null, 0);
        }
        JsonNode node = m.node();
        if (Dl4jJsonSpec.TYPE.equals(node.path("type").asString(""))) {
            JsonNode conf = node.get("json");
            if (conf != null && conf.isString() && conf.asString().length() <= limits.maxModelJsonBytes().toBytes()) {
                try {
                    conf = json.readTree(conf.asString());
                } catch (RuntimeException e) {
                    conf = null; // Dl4jJsonSpec reports unparseable JSON
                }
            }
            if (conf != null && (conf.isObject() || conf.isArray())) {
                int before = errors.size();
                Dl4jClassAllowlist.check("model.json", conf, errors);
                if (errors.size() > before) {
                    return new ModelParse(null, 0);
                }
            }
        }
        if (shape == null) {
            // Without a valid dataset the sizes cannot be resolved; still report the model's own field errors.
            try {
                ModelSpecs.parse(toMap(node));
            } catch (InvalidConfigException e) {
                addViolations("model.", e, errors);
            }
            return new ModelParse(null, 0);
        }
        if ("cnn".equals(node.path("type").asString("")) && !shape.isImage()) {
            errors.add(new FieldError("model.type", "cnn needs an image dataset (fashion-mnist); use mlp for tabular data", "cnn"));
            return new ModelParse(null, 0);
        }
        try {
            ModelSpec spec = ModelSpecs.resolve(toMap(node), shape.features(), shape.classes(), modelLimits());
            return new ModelParse(spec.toSpec(), spec.parameterCount());
        } catch (InvalidConfigException e) {
            addViolations("model.", e, errors);
            return new ModelParse(null, 0);
        }
    }

    private ModelLimits modelLimits() {
        return new ModelLimits(limits.maxLayers(), limits.maxHiddenSize(), limits.maxParameters(), limits.maxKernelSize(),
                (int) Math.min(Integer.MAX_VALUE, limits.maxModelJsonBytes().toBytes()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toMap(JsonNode node) {
        return json.convertValue(node, Map.class);
    }

    private static void addViolations(String prefix, InvalidConfigException e, List<FieldError> errors) {
        for (ConfigViolation cv : e.violations()) {
            errors.add(new FieldError(prefix + cv.field(), cv.message(), echo(cv.value())));
        }
    }

    private static Object echo(Object v) {
        if (v instanceof String s && s.length() > 80) {
            return s.substring(0, 80) + "...";
        }
        return v instanceof Number || v instanceof String || v instanceof Boolean ? v : v == null ? null : String.valueOf(v);
    }

    private static UUID parseUuid(String s) {
        try {
            return s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package dev.spectra.service.jobs.spec;

import dev.spectra.optim.OptimizerConfig;
import dev.spectra.optim.Optimizers;
import dev.spectra.optim.config.ConfigViolation;
import dev.spectra.optim.config.InvalidConfigException;
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
    private static final Set<String> ACTIVATIONS = new LinkedHashSet<>(List.of("relu", "tanh", "sigmoid", "gelu", "elu", "leakyrelu", "identity"));
    private static final Set<String> SCHEDULES = new LinkedHashSet<>(List.of("constant", "cosine", "linear"));
    private static final Set<String> NETWORK_DTYPES = new LinkedHashSet<>(List.of("float32", "float64", "float16"));
    private static final int FASHION_TRAIN = 60_000;
    private static final int FASHION_TEST = 10_000;

    private final LimitsProperties limits;
    private final DatasetCatalog datasets;
    private final Dl4jConfigurationInspector dl4j;
    private final JsonMapper json;

    public JobSpecParser(LimitsProperties limits, DatasetCatalog datasets, Dl4jConfigurationInspector dl4j, JsonMapper json) {
        this.limits = limits;
        this.datasets = datasets;
        this.dl4j = dl4j;
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
            name = model.spec.type() + "-" + optimizer.type() + "-" + dataset.spec.name();
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
            for (ConfigViolation cv : e.violations()) {
                errors.add(new FieldError("optimizer." + cv.field(), cv.message(), cv.value()));
            }
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
        if (name == null) {
            d.rejectUnknown();
            return new DatasetParse(null, null);
        }
        DatasetParse out;
        if (DatasetSpec.FASHION_MNIST.equals(name)) {
            int train = d.intValue("trainSamples", FASHION_TRAIN, 1, FASHION_TRAIN);
            int test = d.intValue("testSamples", FASHION_TEST, 1, FASHION_TEST);
            out = new DatasetParse(new DatasetSpec(name, train, test, null, null, null, null, null),
                    new DatasetShape(784, 10, 28, 28, 1, train));
        } else if (DatasetSpec.SYNTHETIC_BLOBS.equals(name)) {
            int samples = d.intValue("samples", 2000, 10, limits.maxSyntheticSamples());
            int features = d.intValue("features", 16, 1, limits.maxDatasetFeatures());
            int classes = d.intValue("classes", 4, 2, limits.maxDatasetClasses());
            double noise = d.number("noise", 1.0, 0, false, 100);
            double testFraction = d.number("testFraction", 0.2, 0, true, 0.5);
            long train = samples - Math.round(samples * testFraction);
            out = new DatasetParse(new DatasetSpec(name, null, null, testFraction, samples, features, classes, noise),
                    new DatasetShape(features, classes, 0, 0, 0, train));
        } else {
            UUID id = parseUuid(name);
            double testFraction = d.number("testFraction", 0.2, 0, true, 0.5);
            DatasetShape shape = id == null ? null : datasets.uploaded(tenant, id).orElse(null);
            if (shape == null) {
                errors.add(new FieldError("dataset.name", "is not a known dataset: use fashion-mnist, "
                        + DatasetSpec.SYNTHETIC_BLOBS + " or the id of an uploaded dataset (GET /api/v1/datasets)", name));
                out = new DatasetParse(null, null);
            } else {
                long train = shape.trainRows() - Math.round(shape.trainRows() * testFraction);
                if (train < 1) {
                    errors.add(new FieldError("dataset.testFraction", "leaves no training examples", testFraction));
                }
                out = new DatasetParse(new DatasetSpec(id.toString(), null, null, testFraction, null, null, null, null),
                        new DatasetShape(shape.features(), shape.classes(), 0, 0, 0, Math.max(train, 1)));
            }
        }
        d.rejectUnknown();
        return out;
    }

    private record ModelParse(ModelSpec spec, long parameters) {
    }

    private ModelParse model(FieldReader m, DatasetShape shape, List<FieldError> errors) {
        if (m == null) {
            return new ModelParse(null, 0);
        }
        String type = m.choice("type", null, new LinkedHashSet<>(List.of(ModelSpec.MLP, ModelSpec.CNN, ModelSpec.DL4J_JSON)), true);
        if (type == null) {
            return new ModelParse(null, 0);
        }
        int before = errors.size();
        ModelSpec spec;
        long params = 0;
        switch (type) {
            case ModelSpec.MLP -> {
                List<Integer> hidden = m.intList("hiddenSizes", List.of(128), 0, limits.maxLayers(), 1, limits.maxHiddenSize());
                String act = m.choice("activation", "relu", ACTIVATIONS, false);
                double dropout = m.number("dropout", 0.0, 0, false, 0.9);
                spec = new ModelSpec(type, hidden, act, dropout, null, null, null);
                if (shape != null) {
                    params = ModelSizing.mlpParameters(shape.features(), hidden, shape.classes());
                }
            }
            case ModelSpec.CNN -> {
                List<ModelSpec.ConvLayerSpec> conv = convLayers(m, errors);
                List<Integer> dense = m.intList("denseSizes", List.of(64), 0, limits.maxLayers(), 1, limits.maxHiddenSize());
                String act = m.choice("activation", "relu", ACTIVATIONS, false);
                double dropout = m.number("dropout", 0.0, 0, false, 0.9);
                spec = new ModelSpec(type, null, act, dropout, conv, dense, null);
                if (shape != null && !shape.isImage()) {
                    errors.add(new FieldError("model.type", "cnn needs an image dataset (fashion-mnist); use mlp for tabular data", type));
                } else if (shape != null && conv != null) {
                    if (ModelSizing.cnnOutputPixels(shape, conv) < 1) {
                        errors.add(FieldError.of("model.convLayers", "stride and pooling shrink the "
                                + shape.height() + "x" + shape.width() + " image to nothing"));
                    }
                    params = ModelSizing.cnnParameters(shape, conv, dense);
                }
            }
            default -> {
                JsonNode conf = m.raw("configuration");
                String text = null;
                if (conf == null) {
                    errors.add(FieldError.of("model.configuration", "is required for dl4j-json: a DL4J MultiLayerConfiguration as JSON"));
                } else if (conf.isString()) {
                    text = conf.asString();
                } else if (conf.isObject()) {
                    text = conf.toString();
                } else {
                    m.error("configuration", "must be a JSON object (or a string holding one)", conf);
                }
                JsonNode normalized = null;
                if (text != null && text.length() > limits.maxModelJsonBytes().toBytes()) {
                    errors.add(FieldError.of("model.configuration", "must be at most " + limits.maxModelJsonBytes().toBytes() + " bytes"));
                } else if (text != null) {
                    try {
                        normalized = json.readTree(text);
                    } catch (RuntimeException e) {
                        errors.add(FieldError.of("model.configuration", "is not valid JSON"));
                    }
                    if (normalized != null && !normalized.isObject()) {
                        errors.add(FieldError.of("model.configuration", "must be a JSON object"));
                        normalized = null;
                    }
                    if (normalized != null && shape != null) {
                        params = dl4j.inspect("model.configuration", text, shape, errors);
                    }
                }
                spec = new ModelSpec(type, null, null, null, null, null, normalized);
            }
        }
        if (errors.size() == before && params > limits.maxParameters()) {
            errors.add(new FieldError("model", "has " + params + " parameters, more than the limit of "
                    + limits.maxParameters(), params));
        }
        m.rejectUnknown();
        return new ModelParse(spec, params);
    }

    private List<ModelSpec.ConvLayerSpec> convLayers(FieldReader m, List<FieldError> errors) {
        JsonNode v = m.raw("convLayers");
        List<ModelSpec.ConvLayerSpec> dflt = List.of(new ModelSpec.ConvLayerSpec(16, 3, 1, 2), new ModelSpec.ConvLayerSpec(32, 3, 1, 2));
        if (v == null) {
            return dflt;
        }
        if (!v.isArray() || v.isEmpty() || v.size() > limits.maxLayers()) {
            m.error("convLayers", "must be an array of 1 to " + limits.maxLayers() + " conv blocks", v);
            return null;
        }
        List<ModelSpec.ConvLayerSpec> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            FieldReader c = FieldReader.object("model.convLayers[" + i + "]", v.get(i), true, errors);
            if (c == null) {
                continue;
            }
            out.add(new ModelSpec.ConvLayerSpec(
                    c.intValue("filters", 16, 1, limits.maxHiddenSize()),
                    c.intValue("kernelSize", 3, 1, 11),
                    c.intValue("stride", 1, 1, 4),
                    c.intValue("poolSize", 2, 1, 4)));
            c.rejectUnknown();
        }
        return out.size() == v.size() ? out : null;
    }

    private static UUID parseUuid(String s) {
        try {
            return s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

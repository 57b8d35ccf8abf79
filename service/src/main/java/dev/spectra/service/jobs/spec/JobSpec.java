package dev.spectra.service.jobs.spec;

import java.util.Map;

/**
 * A validated job spec with every default filled in: what is stored, returned by the API and
 * read by the worker. Field names are the public contract of {@code POST /api/v1/jobs}.
 *
 * @param model     the model spec in optimizer-core's form ({@code ModelSpec.toSpec()}: mlp, cnn, dl4j-json)
 * @param optimizer the optimizer spec in optimizer-core's form ({@code OptimizerConfig.toSpec()})
 */
public record JobSpec(String name, Map<String, String> labels, Map<String, Object> model, DatasetSpec dataset,
                      Map<String, Object> optimizer, TrainingSpec training, ResourceSpec resources,
                      int priority, int maxRetries) {
}

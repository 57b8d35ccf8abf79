package dev.spectra.service.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Upper bounds on everything a client can ask for ({@code spectra.limits.*}), so that no request
 * can make the API or a worker allocate without bound. Violations are 400/413 problem responses
 * naming the field and the limit.
 */
@ConfigurationProperties("spectra.limits")
public record LimitsProperties(@DefaultValue("1000") int maxEpochs,
                               @DefaultValue("4096") int maxBatchSize,
                               @DefaultValue("4096") int maxHiddenSize,
                               @DefaultValue("16") int maxLayers,
                               @DefaultValue("11") int maxKernelSize,
                               @DefaultValue("20000000") long maxParameters,
                               @DefaultValue("1000000") int maxDatasetRows,
                               @DefaultValue("10000") int maxDatasetFeatures,
                               @DefaultValue("1000") int maxDatasetClasses,
                               @DefaultValue("50000000") long maxDatasetValues,
                               @DefaultValue("100000") int maxSyntheticSamples,
                               @DefaultValue("1MB") DataSize maxRequestBytes,
                               @DefaultValue("64MB") DataSize maxUploadBytes,
                               @DefaultValue("256KB") DataSize maxModelJsonBytes,
                               @DefaultValue("32") int maxLabels,
                               @DefaultValue("200") int maxNameLength,
                               @DefaultValue("10") int maxRetries,
                               @DefaultValue("1000") int maxPriority,
                               @DefaultValue("10000") int maxHistoryPoints,
                               @DefaultValue("500") int maxPageSize,
                               @DefaultValue("8") int maxGpus) {
}

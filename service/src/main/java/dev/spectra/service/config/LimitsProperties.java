package dev.spectra.service.config;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Upper bounds on everything a client can ask for ({@code spectra.limits.*}), so that no request
 * can make the API or a worker allocate without bound. Violations are 400/413 problem responses
 * naming the field and the limit. {@code max-queued-jobs} and {@code max-running-jobs} apply per
 * tenant; {@code tenants.<tenant>.*} overrides some limits for one tenant.
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
                               @DefaultValue("8") int maxGpus,
                               @DefaultValue("1000") int maxQueuedJobs,
                               @DefaultValue("100") int maxRunningJobs,
                               Map<String, TenantOverrides> tenants) {

    public LimitsProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
    }

    /**
     * One tenant's limits ({@code spectra.limits.tenants.<tenant>.*}); unset fields take the
     * global value. Model and dataset limits can only be lowered (workers check the global ones
     * again); queue limits may be raised too.
     */
    public record TenantOverrides(Integer maxQueuedJobs, Integer maxRunningJobs, Integer maxEpochs, Long maxParameters,
                                  Integer maxDatasetRows) {
    }

    /** The effective limits of one tenant. */
    public record TenantLimits(String tenant, int maxQueuedJobs, int maxRunningJobs, int maxEpochs, long maxParameters,
                               int maxDatasetRows) {
    }

    public TenantLimits forTenant(String tenant) {
        TenantOverrides o = tenants.getOrDefault(tenant, new TenantOverrides(null, null, null, null, null));
        return new TenantLimits(tenant,
                o.maxQueuedJobs() == null ? maxQueuedJobs : o.maxQueuedJobs(),
                o.maxRunningJobs() == null ? maxRunningJobs : o.maxRunningJobs(),
                o.maxEpochs() == null ? maxEpochs : Math.min(maxEpochs, o.maxEpochs()),
                o.maxParameters() == null ? maxParameters : Math.min(maxParameters, o.maxParameters()),
                o.maxDatasetRows() == null ? maxDatasetRows : Math.min(maxDatasetRows, o.maxDatasetRows()));
    }

    /** Tenants whose running-job limit differs from {@code max-running-jobs}, for the claim statement. */
    public Map<String, Integer> runningJobOverrides() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        tenants.forEach((t, o) -> {
            if (o.maxRunningJobs() != null) {
                out.put(t, o.maxRunningJobs());
            }
        });
        return out;
    }
}

package dev.spectra.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Per-tenant overrides bind from environment variables as documented, and only tighten size limits. */
class TenantLimitsBindingTest {

    private static LimitsProperties bind(Map<String, Object> env) {
        var environment = new StandardEnvironment();
        // under the name Spring gives the real environment, so the same env-var mapping applies
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return new Binder(ConfigurationPropertySources.get(environment))
                .bindOrCreate("spectra.limits", LimitsProperties.class);
    }

    @Test
    void tenantOverridesBindFromEnvironmentVariables() {
        LimitsProperties limits = bind(Map.of(
                "SPECTRA_LIMITS_MAX_RUNNING_JOBS", "20",
                "SPECTRA_LIMITS_TENANTS_VISION_MAXRUNNINGJOBS", "8",
                "SPECTRA_LIMITS_TENANTS_VISION_MAXEPOCHS", "5"));
        assertThat(limits.forTenant("vision").maxRunningJobs()).isEqualTo(8);
        assertThat(limits.forTenant("vision").maxEpochs()).isEqualTo(5);
        assertThat(limits.forTenant("nlp").maxRunningJobs()).isEqualTo(20);
        assertThat(limits.forTenant("nlp").maxQueuedJobs()).isEqualTo(1000);
        assertThat(limits.runningJobOverrides()).containsExactly(Map.entry("vision", 8));
    }

    @Test
    void sizeOverridesCannotExceedTheGlobalLimitsButQueueOverridesMay() {
        LimitsProperties limits = bind(Map.of(
                "SPECTRA_LIMITS_TENANTS_BIG_MAXEPOCHS", "999999",
                "SPECTRA_LIMITS_TENANTS_BIG_MAXDATASETROWS", "999999999",
                "SPECTRA_LIMITS_TENANTS_BIG_MAXQUEUEDJOBS", "5000"));
        assertThat(limits.forTenant("big").maxEpochs()).isEqualTo(1000);
        assertThat(limits.forTenant("big").maxDatasetRows()).isEqualTo(1_000_000);
        assertThat(limits.forTenant("big").maxQueuedJobs()).isEqualTo(5000);
    }
}

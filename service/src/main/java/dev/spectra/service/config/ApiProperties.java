package dev.spectra.service.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The REST API role ({@code spectra.api.*}).
 *
 * @param enabled          serve {@code /api/v1} in this process (env {@code SPECTRA_API_ENABLED})
 * @param ssePollInterval  how often a job stream looks for new events, progress and metrics
 * @param sseHeartbeat     interval of the keep-alive comment on idle streams
 * @param sseMaxDuration   a stream is closed after this long; clients resume with Last-Event-ID
 * @param fleetRefresh     refresh period of the database-backed Prometheus gauges
 * @param maxStreams       concurrent SSE streams this process serves (more are refused with 503)
 */
@ConfigurationProperties("spectra.api")
public record ApiProperties(@DefaultValue("true") boolean enabled,
                            @DefaultValue("500ms") Duration ssePollInterval,
                            @DefaultValue("15s") Duration sseHeartbeat,
                            @DefaultValue("30m") Duration sseMaxDuration,
                            @DefaultValue("10s") Duration fleetRefresh,
                            @DefaultValue("1000") int maxStreams) {
}

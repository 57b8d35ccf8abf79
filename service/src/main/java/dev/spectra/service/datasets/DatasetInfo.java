package dev.spectra.service.datasets;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An uploaded dataset as the API returns it; use {@code id} as {@code dataset.name} in a job spec. */
public record DatasetInfo(UUID id, String name, String format, int rows, int features, int classes,
                          long sizeBytes, String sha256, OffsetDateTime createdAt) {
}

package dev.spectra.service.jobs.spec;

import java.util.Optional;
import java.util.UUID;

/** Looks up uploaded datasets for the validator (implemented by the datasets feature). */
public interface DatasetCatalog {

    /** Shape of uploaded dataset {@code id} with all rows counted, if it exists for {@code tenant}. */
    Optional<DatasetShape> uploaded(String tenant, UUID id);
}

package dev.spectra.service.jobs.spec;

/**
 * What a worker must offer to run the job.
 *
 * @param accelerator cpu | gpu | any; a gpu job never runs on a CPU-only worker
 * @param gpus        devices needed (0 for cpu/any, >= 1 for gpu)
 */
public record ResourceSpec(String accelerator, int gpus) {

    public static final String CPU = "cpu";
    public static final String GPU = "gpu";
    public static final String ANY = "any";
}

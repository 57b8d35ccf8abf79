package dev.spectra.service.workers;

import java.util.UUID;

/**
 * What a worker process is and offers; registered in the {@code workers} table at start.
 *
 * @param accelerator       cpu | gpu (from the ND4J backend unless configured)
 * @param backend           the ND4J backend class, e.g. CpuBackend or JCublasBackend
 * @param devices           GPUs (0 on CPU workers)
 * @param deviceMemoryBytes memory of device 0, null on CPU workers
 * @param memoryBytes       off-heap memory ND4J may use (JavaCPP max physical bytes)
 * @param ompThreads        OpenMP threads in effect
 */
public record WorkerIdentity(UUID id, String name, String accelerator, String backend, int devices,
                             Long deviceMemoryBytes, long memoryBytes, int cpuCores, int slots, int ompThreads,
                             String version) {
}

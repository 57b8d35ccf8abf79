package dev.spectra.service.workers;

import dev.spectra.service.config.WorkerProperties;
import java.net.InetAddress;
import java.util.UUID;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects what this worker can run from the ND4J backend that loaded (nd4j-native = cpu,
 * nd4j-cuda = gpu with its device count and memory) and applies the configured OpenMP thread
 * count. OpenBLAS sizes its thread pool when the native library loads, so
 * {@code OMP_NUM_THREADS} must be set in the environment before the JVM starts; the property
 * only adjusts ND4J's own OpenMP setting afterwards. The effective value is logged.
 */
public final class WorkerCapabilities {

    private static final Logger log = LoggerFactory.getLogger(WorkerCapabilities.class);

    private WorkerCapabilities() {
    }

    public static WorkerIdentity detect(WorkerProperties props, String version) {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        boolean cuda = backend.toLowerCase().contains("cu");
        String accelerator = props.accelerator() == null || props.accelerator().isBlank()
                ? (cuda ? "gpu" : "cpu") : props.accelerator();
        int devices = 0;
        Long deviceMemory = null;
        if (cuda) {
            devices = Nd4j.getAffinityManager().getNumberOfDevices();
            try {
                deviceMemory = NativeOpsHolder.getInstance().getDeviceNativeOps().getDeviceTotalMemory(0);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                log.warn("Cannot read GPU memory: {}", e.getMessage());
            }
        }
        if ("gpu".equals(accelerator) && devices == 0) {
            log.warn("spectra.worker.accelerator=gpu but the ND4J backend ({}) has no GPU; this worker will claim gpu jobs "
                    + "it cannot accelerate", backend);
        }
        int omp = applyOmpThreads(props.ompThreads());
        String name = props.name() == null || props.name().isBlank() ? hostName() : props.name();
        WorkerIdentity id = new WorkerIdentity(UUID.randomUUID(), name, accelerator, backend, devices, deviceMemory,
                Pointer.maxPhysicalBytes(), Runtime.getRuntime().availableProcessors(), props.slots(), omp, version);
        log.info("Worker {} ({}): accelerator={} backend={} devices={} slots={} OMP threads={} (OMP_NUM_THREADS={})",
                name, id.id(), accelerator, backend, devices, props.slots(), omp, System.getenv("OMP_NUM_THREADS"));
        return id;
    }

    private static int applyOmpThreads(Integer requested) {
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        if (requested != null) {
            ops.setOmpNumThreads(requested);
            String env = System.getenv("OMP_NUM_THREADS");
            if (env == null || !env.trim().equals(requested.toString())) {
                log.warn("spectra.worker.omp-threads={} but OMP_NUM_THREADS={} in the environment: set OMP_NUM_THREADS "
                        + "before the JVM starts so OpenBLAS uses the same count", requested, env);
            }
        }
        return ops.ompGetMaxThreads();
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "worker";
        }
    }
}

package dev.spectra.optim.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The machine and threading facts every benchmark prints: timings mean little without them (on
 * two shared cores, ND4J's default OpenMP threading made tiny ops cost milliseconds).
 */
public final class MachineInfo {

    private MachineInfo() {
    }

    /**
     * Caps ND4J's OpenMP pool and OpenBLAS at {@code threads}. Set OMP_NUM_THREADS in the
     * environment as well: some native pools read it only at start-up.
     */
    public static void setThreads(int threads) {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        m.put("ompMaxThreads", NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        m.put("blasThreads", Nd4j.factory().blas().getMaxThreads());
        m.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("blasVendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }
}

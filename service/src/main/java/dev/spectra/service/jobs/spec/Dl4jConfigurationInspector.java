package dev.spectra.service.jobs.spec;

import dev.spectra.service.web.FieldError;
import java.util.List;

/**
 * Checks a client-supplied DL4J configuration (implemented where DL4J is at hand): only allowed
 * classes, layer sizes and parameter count within limits, output width equal to the classes.
 */
public interface Dl4jConfigurationInspector {

    /**
     * @param json the configuration JSON text
     * @return the parameter count, or -1 when {@code errors} received problems (field paths under {@code path})
     */
    long inspect(String path, String json, DatasetShape shape, List<FieldError> errors);
}

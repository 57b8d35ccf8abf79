package dev.spectra.service.config;

/**
 * The service cannot reach any database. The message is one line that says what failed and
 * what to set; {@link DatabaseFailureAnalyzer} prints it as the start-up failure.
 */
public class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

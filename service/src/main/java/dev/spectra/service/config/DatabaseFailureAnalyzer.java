package dev.spectra.service.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a database start-up failure into one clear line instead of a stack of bean errors. */
public class DatabaseFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DatabaseUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set SPECTRA_DB_URL, SPECTRA_DB_USER and SPECTRA_DB_PASSWORD to a reachable PostgreSQL, "
                        + "or leave SPECTRA_DB_URL unset and point SPECTRA_EMBEDDED_DB_DIR at a writable directory.",
                cause);
    }
}

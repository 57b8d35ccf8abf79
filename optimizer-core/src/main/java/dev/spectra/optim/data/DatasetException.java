package dev.spectra.optim.data;

import java.nio.file.Path;

/**
 * A dataset that cannot be read: a missing directory or file, a corrupt or truncated file, a bad
 * CSV row. The message always names the source (and the line for text formats) and says what is
 * wrong, so it can be shown to a user as is; the cause, if any, is kept for logs.
 */
public class DatasetException extends RuntimeException {

    private final String source;
    private final String problem;

    public DatasetException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    public DatasetException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    public DatasetException(Path path, String problem) {
        this(path.toString(), problem);
    }

    public DatasetException(Path path, String problem, Throwable cause) {
        this(path.toString(), problem, cause);
    }

    /** The file, directory or upload name the problem is about. */
    public String source() {
        return source;
    }

    /** What is wrong, without the source prefix. */
    public String problem() {
        return problem;
    }

    /** The same problem with advice appended (e.g. which package to reinstall). */
    public DatasetException withAdvice(String advice) {
        return new DatasetException(source, problem + "; " + advice, this);
    }
}

package run.alchemy.cli;

/**
 * An error the command reports itself: one line, a hint, and an exit code — {@link #USAGE} (2)
 * when the command line or an input it names is wrong and nothing was done, {@link #FAILURE} (1)
 * when the work failed.
 */
public final class CliException extends RuntimeException {
    static final int FAILURE = 1;
    static final int USAGE = 2;

    final int exitCode;
    final String hint;

    private CliException(int exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public static CliException usage(String message, String hint) {
        return new CliException(USAGE, message, hint, null);
    }

    static CliException usage(String message, String hint, Throwable cause) {
        return new CliException(USAGE, message, hint, cause);
    }

    public static CliException failure(String message, String hint) {
        return new CliException(FAILURE, message, hint, null);
    }
}

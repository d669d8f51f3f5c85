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

    /**
     * A usage error (exit 2) for an exception of the engine's that refused the request before doing anything.
     *
     * @param message the one line to print
     * @param hint    what to do instead, or null for the default ({@code --help})
     * @param cause   the exception it stands for, whose stack trace {@code --verbose} prints
     * @return the error, to throw
     */
    public static CliException usage(String message, String hint, Throwable cause) {
        return new CliException(USAGE, message, hint, cause);
    }

    public static CliException failure(String message, String hint) {
        return new CliException(FAILURE, message, hint, null);
    }
}

package run.alchemy.api;

/** Base of every error alchemy-java raises on purpose; the message says what and where. */
public class AlchemyException extends RuntimeException {
    /**
     * An error without a cause.
     *
     * @param message what failed and where, as the exception's message
     */
    public AlchemyException(String message) {
        super(message);
    }

    /**
     * An error caused by another exception.
     *
     * @param message what failed and where, as the exception's message
     * @param cause   the exception that caused it, or null
     */
    public AlchemyException(String message, Throwable cause) {
        super(message, cause);
    }
}

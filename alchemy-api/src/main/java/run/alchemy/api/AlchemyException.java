package run.alchemy.api;

/** Base of every error alchemy-java raises on purpose; the message says what and where. */
public class AlchemyException extends RuntimeException {
    public AlchemyException(String message) {
        super(message);
    }

    public AlchemyException(String message, Throwable cause) {
        super(message, cause);
    }
}

package run.alchemy.api;

/** The state store could not be reached, read or written (I/O error, refused, unauthorised). */
public class StoreException extends AlchemyException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}

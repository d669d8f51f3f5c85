package run.alchemy.api;

/** The state store could not be reached, read or written (I/O error, refused, unauthorised). */
public class StoreException extends AlchemyException {
    /**
     * A store failure caused by another exception.
     *
     * @param message what failed, naming the store, bucket, object or file (never a credential)
     * @param cause   the client's or the file system's exception, or null
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A store failure without a cause.
     *
     * @param message what failed, naming the store, bucket, object or file (never a credential)
     */
    public StoreException(String message) {
        super(message);
    }
}

package run.alchemy.api;

/**
 * A secret that cannot be encrypted or decrypted: no password, a wrong password, or tampered
 * ciphertext. Names the resource and the JSON path; never the value.
 */
public final class SecretException extends AlchemyException {
    /** The resource (its fqn, or its record's location) holding the secret. */
    private final String resource;
    /** The JSON pointer of the secret within the record. */
    private final String path;

    /**
     * A secret failure. The message is {@code secret at PATH of RESOURCE: REASON}.
     *
     * @param resource the resource holding the secret: its fqn (e.g. {@code my-app/dev/db}) or
     *                 the location of its record
     * @param path     the JSON pointer of the secret within the record, e.g. {@code /props/apiKey}
     * @param reason   what went wrong, e.g. a wrong password; never the value
     */
    public SecretException(String resource, String path, String reason) {
        super("secret at " + path + " of " + resource + ": " + reason);
        this.resource = resource;
        this.path = path;
    }

    /**
     * The resource holding the secret.
     *
     * @return its fqn, or the location of its record
     */
    public String resource() {
        return resource;
    }

    /**
     * JSON pointer of the secret within the record, e.g. {@code /props/apiKey}.
     *
     * @return the pointer
     */
    public String path() {
        return path;
    }
}

package run.alchemy.api;

/**
 * A secret that cannot be encrypted or decrypted: no password, a wrong password, or tampered
 * ciphertext. Names the resource and the JSON path; never the value.
 */
public final class SecretException extends AlchemyException {
    private final String resource;
    private final String path;

    public SecretException(String resource, String path, String reason) {
        super("secret at " + path + " of " + resource + ": " + reason);
        this.resource = resource;
        this.path = path;
    }

    public String resource() {
        return resource;
    }

    /** JSON pointer of the secret within the record, e.g. {@code /props/apiKey}. */
    public String path() {
        return path;
    }
}

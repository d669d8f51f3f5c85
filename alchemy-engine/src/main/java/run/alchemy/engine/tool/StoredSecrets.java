package run.alchemy.engine.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Secret;
import run.alchemy.api.SecretException;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;

/**
 * Opens secrets as they are stored in records (v1, v1 in a {@code data} envelope, legacy
 * libsodium), for tools that show state on request, such as the CLI's {@code --reveal}. Derived
 * keys are cached as in a run (for the whole process), so opening many secrets of one stage pays
 * scrypt once per salt. Thread-safe.
 */
public final class StoredSecrets {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretCodec codec;

    private StoredSecrets(String password) {
        this.codec = new SecretCodec(password);
    }

    /**
     * Secrets opened with {@code password}; an empty or missing password is a configuration error.
     * Nothing is decrypted yet, so a wrong password shows only when a secret is opened.
     *
     * @param password the password the secrets were encrypted with ({@code ALCHEMY_PASSWORD}, or a scope's own)
     * @return an opener for that password
     * @throws ConfigurationException if {@code password} is null or empty
     */
    public static StoredSecrets withPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new ConfigurationException("opening secrets needs the password (ALCHEMY_PASSWORD)");
        }
        return new StoredSecrets(password);
    }

    /**
     * The plain value of one stored secret: a string secret, or a JSON-valued one
     * ({@link Secret#isJson()}) as Alchemy stores objects.
     *
     * @param envelope JSON text of the value of an {@code "@secret"} key, as stored
     * @param resource where the record lives, for the error
     * @param pointer  JSON pointer of the secret in the record, for the error
     * @return the secret, its value in memory; {@link Secret#reveal()} gives it
     * @throws SecretException on a wrong password or a damaged envelope, naming resource and
     *                         pointer, never the value
     */
    public Secret open(String envelope, String resource, String pointer) {
        JsonNode node;
        try {
            node = JSON.readTree(envelope);
        } catch (IOException e) {
            throw new SecretException(resource, pointer, "the secret's envelope is not JSON");
        }
        try {
            SecretCodec.Opened opened = codec.open(node);
            return opened.jsonValued() ? Secret.ofJson(opened.plaintext()) : Secret.of(opened.plaintext());
        } catch (SecretFailure f) {
            throw new SecretException(resource, pointer, f.getMessage());
        }
    }
}

package run.alchemy.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A value that is encrypted whenever it is written to state, as Alchemy's {@code alchemy.secret()}.
 *
 * <p>A secret is either a string or a JSON value (object, array, number, boolean, null) given as
 * JSON text; Alchemy stores the latter in its {@code {"data": …}} envelope. Neither
 * {@link #toString()}, {@link #hashCode()} nor any exception ever shows the value.
 */
public final class Secret {
    private final String plaintext;
    private final boolean json;

    private Secret(String plaintext, boolean json) {
        this.plaintext = Objects.requireNonNull(plaintext, "secret value");
        this.json = json;
    }

    /**
     * A string secret.
     *
     * @param value the secret string, not null
     * @return a secret holding {@code value}
     * @throws NullPointerException if {@code value} is null
     */
    public static Secret of(String value) {
        return new Secret(value, false);
    }

    /**
     * A secret whose value is a JSON value other than a string, given as JSON text
     * (for example {@code {"user":"admin","port":5432}}). The text is not parsed here: text that
     * is not JSON fails with a {@link SecretException} when the engine compares or writes it.
     *
     * @param jsonText the value as JSON text, not null
     * @return a JSON-valued secret holding {@code jsonText}
     * @throws NullPointerException if {@code jsonText} is null
     */
    public static Secret ofJson(String jsonText) {
        return new Secret(jsonText, true);
    }

    /**
     * The plain value: the string, or the JSON text of a JSON-valued secret.
     *
     * @return the value exactly as given to {@link #of} or {@link #ofJson}
     */
    public String reveal() {
        return plaintext;
    }

    /**
     * True when the value is JSON text (stored in Alchemy's {@code data} envelope).
     *
     * @return true for a secret made with {@link #ofJson}, false for one made with {@link #of}
     */
    public boolean isJson() {
        return json;
    }

    /**
     * Constant-time comparison, so that timing does not tell how much of a value matched.
     *
     * @param o the object to compare with
     * @return true when {@code o} is a secret of the same form (string or JSON) with the same text
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other
                && json == other.json
                && MessageDigest.isEqual(plaintext.getBytes(StandardCharsets.UTF_8),
                        other.plaintext.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deliberately constant: a hash of the value would tell something about it.
     *
     * @return one constant for string secrets, another for JSON-valued ones
     */
    @Override
    public int hashCode() {
        return json ? 0x5EC2E7 : 0x5EC2E8;
    }

    /**
     * Never the value.
     *
     * @return {@code Secret(******)}
     */
    @Override
    public String toString() {
        return "Secret(******)";
    }
}

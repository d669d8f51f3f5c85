package run.alchemy.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.secrets.SecretFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The value of an {@code @secret} key: Alchemy's v1 envelope (an object of base64 fields,
 * scrypt and AES-GCM) or the legacy libsodium string (a bare base64 secretbox). The input is the
 * value as JSON; bytes that are no JSON are taken as a legacy string. The codec refuses what it
 * cannot open with a {@link SecretFailure} (its callers add the resource and the path).
 */
public final class SecretTarget {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretCodec CODEC = new SecretCodec(RecordTarget.PASSWORD);

    private SecretTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(SecretTarget::fuzzerTestOneInput, "SecretTarget");
    }

    /**
     * One input.
     *
     * @param data the envelope
     */
    public static void fuzzerTestOneInput(byte[] data) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(data);
        } catch (IOException e) {
            envelope = null;
        }
        if (envelope == null || envelope.isMissingNode()) {
            envelope = TextNode.valueOf(new String(data, StandardCharsets.UTF_8));
        }
        try {
            CODEC.open(envelope);
        } catch (SecretFailure expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new IllegalStateException("a SecretFailure without a reason", expected);
            }
        }
    }
}

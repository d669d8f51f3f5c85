package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.Secret;
import run.alchemy.engine.internal.secrets.SecretCodec;

/**
 * A secret with its v1 envelope and the codec of that envelope: as read from state, or as sealed
 * once before a record's writes ({@link StateSerde#sealSecrets}), so that writing an unchanged
 * secret again keeps the same bytes (no re-encryption, no noise in {@code git diff}). Legacy
 * envelopes are never kept: writes always use v1.
 */
final class SealedSecret {
    final Secret secret;
    final JsonNode envelope; // null when it must be sealed anew
    final SecretCodec codec;

    SealedSecret(Secret secret, JsonNode envelope, SecretCodec codec) {
        this.secret = secret;
        this.envelope = envelope;
        this.codec = codec;
    }

    static Secret unwrap(Object pojo) {
        if (pojo instanceof Secret s) {
            return s;
        }
        if (pojo instanceof SealedSecret s) {
            return s.secret;
        }
        throw new IllegalArgumentException("not a secret: " + (pojo == null ? "null" : pojo.getClass().getName()));
    }

    @Override
    public String toString() {
        return "SealedSecret(******)";
    }
}

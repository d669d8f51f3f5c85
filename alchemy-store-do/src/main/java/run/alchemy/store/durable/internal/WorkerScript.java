package run.alchemy.store.durable.internal;

import run.alchemy.api.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Our worker as provisioning uploads it: {@code worker/state-store.js} (copied into the jar by the
 * build, so there is one source file) and how it is deployed, as {@code run-local.mjs} runs it
 * locally. Its {@link #tag} marks a deployed script as this version: {@value #TAG_PREFIX} and the
 * first 16 hex digits of the SHA-256 of the script followed by its deployment settings (main
 * module, compatibility date and flags, class and binding names), so that a change of either
 * re-uploads and nothing else does. The token is not part of it.
 */
public record WorkerScript(byte[] source, String tag) {
    public static final String MAIN_MODULE = "state-store.js";
    public static final String CLASS_NAME = "AlchemyJavaStateStore";
    public static final String NAMESPACE_BINDING = "STATE_STORE";
    public static final String TOKEN_BINDING = "STATE_TOKEN";
    public static final String COMPATIBILITY_DATE = "2025-06-01";
    /** {@code node:buffer}, which the worker imports, needs it. */
    public static final List<String> COMPATIBILITY_FLAGS = List.of("nodejs_compat");
    public static final String TAG_PREFIX = "alchemy-java-state-store:";

    public WorkerScript {
        source = source.clone();
    }

    @Override
    public byte[] source() {
        return source.clone();
    }

    /** The worker in this jar. */
    public static WorkerScript bundled() {
        try (InputStream in = WorkerScript.class.getResourceAsStream(MAIN_MODULE)) {
            if (in == null) {
                throw new ConfigurationException("the Durable Object store's jar lacks its worker " + MAIN_MODULE
                        + " (run/alchemy/store/durable/internal/" + MAIN_MODULE + "): it was built without worker/");
            }
            return of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled worker " + MAIN_MODULE, e);
        }
    }

    /** A script and its version tag. */
    public static WorkerScript of(byte[] source) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source);
            String settings = String.join("\0", "", MAIN_MODULE, COMPATIBILITY_DATE, String.join(",", COMPATIBILITY_FLAGS),
                    CLASS_NAME, NAMESPACE_BINDING, TOKEN_BINDING);
            sha.update(settings.getBytes(StandardCharsets.UTF_8));
            return new WorkerScript(source, TAG_PREFIX + HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "WorkerScript[" + MAIN_MODULE + ", " + source.length + " bytes, " + tag + "]";
    }
}

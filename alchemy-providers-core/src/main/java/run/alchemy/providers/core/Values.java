package run.alchemy.providers.core;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.ResourceProvider;
import run.alchemy.providers.core.internal.ValueProvider;

/** {@code alchemy::Value}, the value resource of the {@code alchemy} command's stack files. */
public final class Values {
    /** The kind, as stored in state. */
    public static final String KIND = "alchemy::Value";

    /**
     * {@code alchemy::Value}: a resource with no side effect whose output is its props (a copy; an
     * empty object for null) — a place in state for settings, endpoints and secrets that other
     * tools read. Props are any JSON object; a {@code POJONode} holding a
     * {@link run.alchemy.api.Secret} is stored as an encrypted {@code @secret}. Found by
     * ServiceLoader too, so a run that no longer declares a value deletes it.
     */
    public static final ResourceProvider<JsonNode, JsonNode> VALUE = new ValueProvider();

    private Values() {
    }
}

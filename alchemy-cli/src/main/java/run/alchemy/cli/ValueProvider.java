package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;

/**
 * {@code alchemy::Value}: a resource with no side effect whose output is its props — a place in
 * state for settings, endpoints and secrets that other tools read. Registered with ServiceLoader
 * so that a value no longer declared can be deleted.
 */
public final class ValueProvider implements ResourceProvider<JsonNode, JsonNode> {
    public static final String KIND = "alchemy::Value";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Class<JsonNode> propsType() {
        return JsonNode.class;
    }

    @Override
    public Class<JsonNode> outputType() {
        return JsonNode.class;
    }

    @Override
    public JsonNode create(Context<JsonNode, JsonNode> ctx, JsonNode props) {
        return props == null ? Json.object() : props.deepCopy();
    }

    @Override
    public void delete(Context<JsonNode, JsonNode> ctx, JsonNode props, JsonNode output) {
        // nothing outside state to remove
    }
}

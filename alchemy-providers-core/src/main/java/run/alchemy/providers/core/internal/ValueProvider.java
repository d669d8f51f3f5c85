package run.alchemy.providers.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.providers.core.Values;

/** {@code alchemy::Value} (see {@link Values#VALUE}); public for ServiceLoader. */
public final class ValueProvider implements ResourceProvider<JsonNode, JsonNode> {
    @Override
    public String kind() {
        return Values.KIND;
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
        return props == null ? JsonNodeFactory.instance.objectNode() : props.deepCopy();
    }

    @Override
    public void delete(Context<JsonNode, JsonNode> ctx, JsonNode props, JsonNode output) {
        // nothing outside state to remove
    }
}

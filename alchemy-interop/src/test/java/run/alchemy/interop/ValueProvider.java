package run.alchemy.interop;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code alchemy::Value}: the Java twin of deploy.mjs's {@code Resource("alchemy::Value", …)} whose
 * output is {@code {...props}} and whose delete does nothing but forget the record.
 */
final class ValueProvider implements ResourceProvider<Map<String, Object>, Map<String, Object>> {
    static final ValueProvider VALUE = new ValueProvider();

    private ValueProvider() {
    }

    @Override
    public String kind() {
        return "alchemy::Value";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> propsType() {
        return (Class) Map.class;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Class<Map<String, Object>> outputType() {
        return (Class) Map.class;
    }

    @Override
    public Map<String, Object> create(Context<Map<String, Object>, Map<String, Object>> ctx, Map<String, Object> props) {
        return props == null ? new LinkedHashMap<>() : new LinkedHashMap<>(props);
    }

    @Override
    public void delete(Context<Map<String, Object>, Map<String, Object>> ctx, Map<String, Object> props,
                       Map<String, Object> output) {
        // nothing to delete: the value lives in state only
    }
}

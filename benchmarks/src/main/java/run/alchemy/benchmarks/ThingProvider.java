package run.alchemy.benchmarks;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench::Thing}, the Java twin of the Node harness's
 * {@code Resource("bench::Thing", async function (id, props) { … return { ...props }; })}:
 * the output is a shallow copy of the props; delete does nothing but forget the record.
 * Counts its calls so that the harness can check what the engine did.
 */
public final class ThingProvider implements ResourceProvider<Map<String, Object>, Map<String, Object>> {
    public final AtomicInteger creates = new AtomicInteger();
    public final AtomicInteger updates = new AtomicInteger();
    public final AtomicInteger deletes = new AtomicInteger();

    @Override
    public String kind() {
        return Workload.KIND;
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
        creates.incrementAndGet();
        return new LinkedHashMap<>(props);
    }

    @Override
    public Map<String, Object> update(Context<Map<String, Object>, Map<String, Object>> ctx, Map<String, Object> props) {
        updates.incrementAndGet();
        return new LinkedHashMap<>(props);
    }

    @Override
    public void delete(Context<Map<String, Object>, Map<String, Object>> ctx, Map<String, Object> props,
                       Map<String, Object> output) {
        deletes.incrementAndGet();
    }

    /** Calls so far as {@code {create, update, delete}}. */
    public int[] calls() {
        return new int[] {creates.get(), updates.get(), deletes.get()};
    }

    public void reset() {
        creates.set(0);
        updates.set(0);
        deletes.set(0);
    }
}

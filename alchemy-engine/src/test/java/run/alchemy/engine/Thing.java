package run.alchemy.engine;

import run.alchemy.api.Context;
import run.alchemy.api.Operation;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A test provider that records every call and can be told to fail, replace or declare children. */
final class Thing implements ResourceProvider<Thing.Props, Thing.Output> {
    record Props(String name, Integer size, Secret token) {
        Props(String name) {
            this(name, null, null);
        }
    }

    record Output(String name, Integer size, Secret token) {
    }

    record Call(String fqn, Operation phase, boolean replacement, Props props) {
        String brief() {
            return phase.name().toLowerCase() + " " + fqn + (replacement ? " (replacement)" : "");
        }
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Set<String> failOn = ConcurrentHashMap.newKeySet();
    final Map<String, Boolean> replaceOn = new ConcurrentHashMap<>();
    final Map<String, BiConsumer<Context<Props, Output>, Props>> bodies = new ConcurrentHashMap<>();
    private final String kind;

    Thing() {
        this("test::Thing");
    }

    Thing(String kind) {
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Class<Props> propsType() {
        return Props.class;
    }

    @Override
    public Class<Output> outputType() {
        return Output.class;
    }

    @Override
    public Output create(Context<Props, Output> ctx, Props props) {
        return run(ctx, props);
    }

    @Override
    public Output update(Context<Props, Output> ctx, Props props) {
        if (replaceOn.containsKey(ctx.id())) {
            calls.add(new Call(ctx.fqn(), ctx.operation(), false, props));
            return ctx.replace(replaceOn.get(ctx.id()));
        }
        return run(ctx, props);
    }

    private Output run(Context<Props, Output> ctx, Props props) {
        calls.add(new Call(ctx.fqn(), ctx.operation(), ctx.isReplacement(), props));
        if (failOn.contains(ctx.id())) {
            throw new IllegalStateException("simulated failure of " + ctx.id());
        }
        BiConsumer<Context<Props, Output>, Props> body = bodies.get(ctx.id());
        if (body != null) {
            body.accept(ctx, props);
        }
        return props == null ? new Output(ctx.id(), null, null) : new Output(props.name(), props.size(), props.token());
    }

    @Override
    public void delete(Context<Props, Output> ctx, Props props, Output output) {
        calls.add(new Call(ctx.fqn(), Operation.DELETE, false, props));
        if (failOn.contains(ctx.id())) {
            throw new IllegalStateException("simulated delete failure of " + ctx.id());
        }
    }

    List<String> briefs() {
        return calls.stream().map(Call::brief).toList();
    }
}

package run.alchemy.store.s3;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;

import java.util.concurrent.atomic.AtomicInteger;

/** A resource whose output echoes its props, counting provider calls. */
final class Echo<P> implements ResourceProvider<P, P> {
    /** The tests' props. */
    record Props(String name, Integer size, Secret token) {
    }

    final AtomicInteger calls = new AtomicInteger();
    private final String kind;
    private final Class<P> type;

    Echo(String kind, Class<P> type) {
        this.kind = kind;
        this.type = type;
    }

    static Echo<Props> props() {
        return new Echo<>("s3test::Echo", Props.class);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Class<P> propsType() {
        return type;
    }

    @Override
    public Class<P> outputType() {
        return type;
    }

    @Override
    public P create(Context<P, P> ctx, P props) {
        calls.incrementAndGet();
        return props;
    }

    @Override
    public void delete(Context<P, P> ctx, P props, P output) {
        calls.incrementAndGet();
    }
}

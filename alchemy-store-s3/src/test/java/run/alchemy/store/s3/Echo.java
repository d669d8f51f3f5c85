package run.alchemy.store.s3;

import run.alchemy.api.Context;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Secret;

import java.util.concurrent.atomic.AtomicInteger;

/** A test resource whose output echoes its props, counting provider calls. */
final class Echo implements ResourceProvider<Echo.Props, Echo.Props> {
    record Props(String name, Integer size, Secret token) {
    }

    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String kind() {
        return "s3test::Echo";
    }

    @Override
    public Class<Props> propsType() {
        return Props.class;
    }

    @Override
    public Class<Props> outputType() {
        return Props.class;
    }

    @Override
    public Props create(Context<Props, Props> ctx, Props props) {
        calls.incrementAndGet();
        return props;
    }

    @Override
    public void delete(Context<Props, Props> ctx, Props props, Props output) {
        calls.incrementAndGet();
    }
}

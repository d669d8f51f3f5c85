package run.alchemy.api;

/**
 * Creates, updates and deletes one kind of resource, as an Alchemy {@code Resource(kind, handler)}.
 *
 * <p>Props and outputs are plain Java types (records, maps) mapped to JSON with Jackson;
 * {@link Secret}, {@link java.time.Instant}, {@code byte[]}, {@link JsSymbol} and {@link Schema}
 * become Alchemy's {@code @secret}, {@code @date}, {@code @buffer}, {@code @symbol} and
 * {@code @schema} tags. A {@code null} field is left out, as JavaScript's {@code undefined}.
 *
 * <p>Providers on the class or module path ({@code provides run.alchemy.api.ResourceProvider})
 * are found by kind, so that resources no longer declared can still be deleted.
 */
public interface ResourceProvider<P, O> {

    /** The kind stored in state, e.g. {@code fs::File}. Must be unique among providers. */
    String kind();

    Class<P> propsType();

    Class<O> outputType();

    /** Creates the resource; {@link Context#output()} is null unless this is a replacement. */
    O create(Context<P, O> ctx, P props) throws Exception;

    /**
     * Updates the resource to {@code props}; {@link Context#oldProps()} and {@link Context#output()}
     * hold what was applied before. Call {@code return ctx.replace();} to replace it instead.
     * The default creates again, for providers whose create is idempotent.
     */
    default O update(Context<P, O> ctx, P props) throws Exception {
        return create(ctx, props);
    }

    /** Deletes the resource described by the stored {@code props} and {@code output}. */
    void delete(Context<P, O> ctx, P props, O output) throws Exception;

    /** Run update on every deploy even when the props did not change. */
    default boolean alwaysUpdate() {
        return false;
    }

    /** How this resource's own child resources are destroyed. */
    default DestroyStrategy destroyStrategy() {
        return DestroyStrategy.SEQUENTIAL;
    }
}

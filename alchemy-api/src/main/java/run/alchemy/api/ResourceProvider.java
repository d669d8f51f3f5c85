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
 *
 * <p>The engine may call one provider from several threads at once ({@code applyAsync}, a
 * {@link DestroyStrategy#PARALLEL} destroy).
 *
 * @param <P> the props type: what {@code apply} is given and the engine compares with the stored props
 * @param <O> the output type: what create and update return and the engine stores
 */
public interface ResourceProvider<P, O> {

    /**
     * The kind stored in state, e.g. {@code fs::File}. Must be unique among providers.
     *
     * @return the kind, the same on every call
     */
    String kind();

    /**
     * The type stored props are read back as (for {@link Context#oldProps()} and delete).
     * Jackson must be able to reach it: one in a package its module neither opens nor (for a
     * public type) exports to Jackson fails with a {@link ConfigurationException} naming the line
     * to add, before a resource of this kind is touched.
     *
     * @return the class of {@code P}
     */
    Class<P> propsType();

    /**
     * The type stored outputs are read back as (for {@link Context#output()}, a skipped
     * {@code apply}'s result, delete and phase {@link Phase#READ}); reachable by Jackson as
     * {@link #propsType()}. Its JSON must be an object (a record or a map).
     *
     * @return the class of {@code O}
     */
    Class<O> outputType();

    /**
     * Creates the resource; {@link Context#output()} is null unless this is a replacement made
     * with {@code ctx.replace()} (then it is the old copy's output).
     *
     * @param ctx   the resource's id, full name, own scope and, for a replacement, the old copy
     * @param props the declared props (null when declared without props)
     * @return the output, stored with the record (its JSON must be an object); null for none
     * @throws Exception any failure: the engine wraps it in a {@link ProviderException} (an
     *                   {@link AlchemyException} passes as it is) and the record keeps its in-progress status
     */
    O create(Context<P, O> ctx, P props) throws Exception;

    /**
     * Updates the resource to {@code props}; {@link Context#oldProps()} and {@link Context#output()}
     * hold what was applied before. Call {@code return ctx.replace();} to replace it instead.
     * The default creates again, for providers whose create is idempotent.
     *
     * @param ctx   the resource's id, full name, own scope, previous props and output
     * @param props the declared props (null when declared without props)
     * @return the new output, stored with the record (its JSON must be an object); null for none
     * @throws Exception any failure: the engine wraps it in a {@link ProviderException} (an
     *                   {@link AlchemyException} passes as it is) and the record keeps its in-progress status
     */
    default O update(Context<P, O> ctx, P props) throws Exception {
        return create(ctx, props);
    }

    /**
     * Deletes the resource described by the stored {@code props} and {@code output}. A resource
     * that is already gone should count as deleted: after a failure the engine calls delete again
     * in later runs, until it succeeds.
     *
     * @param ctx    the resource's id, full name and own scope
     * @param props  the props stored with the copy to delete (null when it had none)
     * @param output the output stored with the copy to delete
     * @throws Exception any failure: the engine wraps it in a {@link ProviderException} (an
     *                   {@link AlchemyException} passes as it is) and the record is kept
     */
    void delete(Context<P, O> ctx, P props, O output) throws Exception;

    /**
     * Run update on every deploy even when the props did not change (Alchemy's
     * {@code alwaysUpdate}, for every resource of this kind; {@link ApplyOptions#ALWAYS_UPDATE}
     * does it for one declaration).
     *
     * @return true to never skip a resource of this kind; false, the default, to skip unchanged ones
     */
    default boolean alwaysUpdate() {
        return false;
    }

    /**
     * How this resource's own child resources are destroyed.
     *
     * @return {@link DestroyStrategy#SEQUENTIAL}, the default, or {@link DestroyStrategy#PARALLEL}
     */
    default DestroyStrategy destroyStrategy() {
        return DestroyStrategy.SEQUENTIAL;
    }
}

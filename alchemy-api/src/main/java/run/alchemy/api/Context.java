package run.alchemy.api;

/**
 * What a provider call knows about the resource it works on, as Alchemy's {@code this}.
 *
 * @param <P> the provider's props type
 * @param <O> the provider's output type
 */
public interface Context<P, O> {

    /**
     * The resource id within its scope.
     *
     * @return the id given to {@code apply}, e.g. {@code api}
     */
    String id();

    /**
     * Scope chain and id joined with {@code /}, e.g. {@code my-app/dev/api}.
     *
     * @return the resource's full name, as messages and {@link Outcome#fqn()} spell it
     */
    String fqn();

    /**
     * The operation running: create, update or delete.
     *
     * @return the provider method this call is in ({@link Operation#CREATE} also while a
     *         replacement is created)
     */
    Operation operation();

    /**
     * The props stored before this call.
     *
     * @return during update, the props last applied; during delete, the props of the copy being
     *         deleted; while a replacement is created, the replaced copy's props; null when a new
     *         resource is created
     */
    P oldProps();

    /**
     * The output stored before this call.
     *
     * @return during update, the current output; during delete, the output of the copy being
     *         deleted; while a replacement is created with {@link #replace()}, the old copy's output
     *         (null after {@code replace(true)}, which deleted it first); null when a new resource
     *         is created
     */
    O output();

    /**
     * True while a replacement is being created.
     *
     * @return true in the {@code create} call that follows {@link #replace()} or
     *         {@code replace(true)}, false in every other call
     */
    boolean isReplacement();

    /**
     * The resource's own scope: resources applied here are its children, stored under
     * {@code <id>/}; those a create or update no longer applies are deleted when it returns, and
     * all of them are deleted when the resource is (see {@link ResourceProvider#destroyStrategy()}).
     *
     * @return the scope of this resource's children
     */
    Scope scope();

    /**
     * Replaces the resource (during update only): the new copy is created now and the old one
     * is deleted when the app finishes. Never returns; write {@code return ctx.replace();}.
     *
     * @return never: it unwinds the update (do not catch what it throws)
     * @throws IllegalStateException when called outside an update
     * @throws AlchemyException      when this update already applied child resources or scopes
     *                               (use {@code replace(true)} then)
     */
    default O replace() {
        return replace(false);
    }

    /**
     * Replaces the resource; with {@code force} the old copy is deleted right away, before the
     * new one is created. Never returns.
     *
     * @param force true to delete the old copy (with the provider's delete) before creating the
     *              new one; false to delete it when the app finishes, as {@link #replace()}
     * @return never: it unwinds the update (do not catch what it throws)
     * @throws IllegalStateException when called outside an update
     * @throws AlchemyException      when {@code force} is false and this update already applied
     *                               child resources or scopes
     */
    O replace(boolean force);
}

package run.alchemy.api;

/** What a provider call knows about the resource it works on, as Alchemy's {@code this}. */
public interface Context<P, O> {

    /** The resource id within its scope. */
    String id();

    /** Scope chain and id joined with {@code /}, e.g. {@code my-app/dev/api}. */
    String fqn();

    /** The operation running: create, update or delete. */
    Operation operation();

    /** The props applied before this call; null when creating. */
    P oldProps();

    /** The output stored before this call; null when creating. */
    O output();

    /** True while a replacement is being created. */
    boolean isReplacement();

    /** The resource's own scope: resources applied here are its children. */
    Scope scope();

    /**
     * Replaces the resource (update phase only): the new copy is created now and the old one
     * is deleted when the app finishes. Never returns; write {@code return ctx.replace();}.
     */
    default O replace() {
        return replace(false);
    }

    /**
     * Replaces the resource; with {@code force} the old copy is deleted right away, before the
     * new one is created. Never returns.
     */
    O replace(boolean force);
}

package run.alchemy.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A container of resources: the stage, a named child scope, or a resource's own scope.
 * Implementations are thread-safe.
 */
public interface Scope {

    String app();

    String stage();

    /** Names from the app down to this scope, e.g. {@code [my-app, dev, child]}. */
    List<String> chain();

    Phase phase();

    /**
     * Declares a resource and brings it to {@code props}: created when it has no state, skipped
     * when its stored props are equal, updated otherwise. Returns its output.
     *
     * @param props the props, or null for a resource declared without props
     */
    default <P, O> O apply(String id, ResourceProvider<P, O> provider, P props) {
        return apply(id, provider, props, ApplyOptions.DEFAULT);
    }

    <P, O> O apply(String id, ResourceProvider<P, O> provider, P props, ApplyOptions options);

    /**
     * As {@link #apply}, on the engine's executor: independent resources are applied
     * concurrently, at most {@code concurrency} provider calls at a time. The declaration
     * (id check, order) happens now, in the caller's thread.
     */
    <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props,
                                           ApplyOptions options);

    default <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props) {
        return applyAsync(id, provider, props, ApplyOptions.DEFAULT);
    }

    /**
     * Runs {@code body} in a named child scope (Alchemy's {@code alchemy.run(name, fn)}): its
     * resources are stored under {@code name/}, and a scope no longer declared is deleted with
     * everything in it when the app finishes.
     */
    default Scope scope(String name, Consumer<Scope> body) {
        return scope(name, ScopeOptions.INHERIT, body);
    }

    /** As {@link #scope(String, Consumer)}, with options such as the scope's own password. */
    Scope scope(String name, ScopeOptions options, Consumer<Scope> body);
}

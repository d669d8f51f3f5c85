package run.alchemy.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A container of resources: the stage, a named child scope, or a resource's own scope.
 * Implementations are thread-safe.
 */
public interface Scope {

    /**
     * The app this scope belongs to.
     *
     * @return the app name, the first element of {@link #chain()}
     */
    String app();

    /**
     * The stage this scope belongs to.
     *
     * @return the stage name, the second element of {@link #chain()}, e.g. {@code dev}
     */
    String stage();

    /**
     * Names from the app down to this scope, e.g. {@code [my-app, dev, child]}.
     *
     * @return the chain, unmodifiable
     */
    List<String> chain();

    /**
     * What the run does.
     *
     * @return the run's phase, the same for every scope of the run
     */
    Phase phase();

    /**
     * Declares a resource and brings it to {@code props}: created when it has no state, skipped
     * when its stored props are equal, updated otherwise. Returns its output.
     *
     * @param <P>      the provider's props type
     * @param <O>      the provider's output type
     * @param id       the resource id within this scope, e.g. {@code api}
     * @param provider the provider of the resource's kind
     * @param props    the props, or null for a resource declared without props
     * @return the output: the provider's, or the stored one when the resource is skipped (or the
     *         phase is {@link Phase#READ})
     * @see #apply(String, ResourceProvider, Object, ApplyOptions)
     */
    default <P, O> O apply(String id, ResourceProvider<P, O> provider, P props) {
        return apply(id, provider, props, ApplyOptions.DEFAULT);
    }

    /**
     * Declares a resource with per-resource options and brings it to {@code props}: created when
     * it has no state (or its last create did not finish), skipped when its stored props are equal
     * and no update is forced ({@code options}, the provider's {@code alwaysUpdate}, the run's
     * {@code force}), updated otherwise. In {@link Phase#READ} it only reads the stored output. A
     * failure marks this scope failed: nothing in it is deleted when the app finishes.
     *
     * @param <P>      the provider's props type
     * @param <O>      the provider's output type
     * @param id       the resource id within this scope, e.g. {@code api}
     * @param provider the provider of the resource's kind
     * @param props    the props, or null for a resource declared without props
     * @param options  per-resource options, not null (e.g. {@link ApplyOptions#ALWAYS_UPDATE})
     * @return the output: the provider's, or the stored one when the resource is skipped (or the
     *         phase is {@link Phase#READ})
     * @throws InvalidIdException       if {@code id} is not a valid id
     * @throws ConfigurationException   if {@code id} is already declared here with another kind, or
     *                                  Jackson cannot reach the provider's types
     * @throws ProviderException        if the provider's create or update threw
     * @throws StateNotFoundException   in {@link Phase#READ}, if the resource has no state
     * @throws IllegalStateException    in {@link Phase#DESTROY}, where nothing may be declared
     * @throws StateCorruptedException  if the stored record cannot be read
     * @throws SecretException          if a secret cannot be encrypted or decrypted
     * @throws StoreException           if the store cannot be read or written
     * @throws StageChangedException    at the run's first write (without a lock timeout), if another
     *                                  run changed the stage since this run read it
     * @throws StageLockedException     at the run's first write (without a lock timeout), if another
     *                                  run holds the stage lock
     * @throws StageLockLostException   if this run lost the stage lock
     */
    <P, O> O apply(String id, ResourceProvider<P, O> provider, P props, ApplyOptions options);

    /**
     * As {@link #apply}, on the engine's executor: independent resources are applied
     * concurrently, at most {@code concurrency} provider calls at a time. The declaration
     * (id check, order) happens now, in the caller's thread. The run waits for every async apply
     * before it finalizes; cancelling the future does not stop an apply that has started.
     *
     * @param <P>      the provider's props type
     * @param <O>      the provider's output type
     * @param id       the resource id within this scope, e.g. {@code api}
     * @param provider the provider of the resource's kind
     * @param props    the props, or null for a resource declared without props
     * @param options  per-resource options, not null (e.g. {@link ApplyOptions#ALWAYS_UPDATE})
     * @return the output, when the apply is done; completed exceptionally with what
     *         {@link #apply(String, ResourceProvider, Object, ApplyOptions)} would throw
     * @throws InvalidIdException     if {@code id} is not a valid id (thrown here, not by the future)
     * @throws ConfigurationException if {@code id} is already declared here with another kind
     *                                (thrown here, not by the future)
     */
    <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props,
                                           ApplyOptions options);

    /**
     * As {@link #apply(String, ResourceProvider, Object)}, on the engine's executor: see
     * {@link #applyAsync(String, ResourceProvider, Object, ApplyOptions)}.
     *
     * @param <P>      the provider's props type
     * @param <O>      the provider's output type
     * @param id       the resource id within this scope, e.g. {@code api}
     * @param provider the provider of the resource's kind
     * @param props    the props, or null for a resource declared without props
     * @return the output, when the apply is done
     */
    default <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props) {
        return applyAsync(id, provider, props, ApplyOptions.DEFAULT);
    }

    /**
     * Runs {@code body} in a named child scope (Alchemy's {@code alchemy.run(name, fn)}): its
     * resources are stored under {@code name/}, and a scope no longer declared is deleted with
     * everything in it when the app finishes.
     *
     * @param name the scope name, e.g. {@code vault}; no resource of this scope may have it as id
     * @param body declares the scope's resources; runs in the caller's thread before this returns
     * @return the child scope
     * @see #scope(String, ScopeOptions, Consumer)
     */
    default Scope scope(String name, Consumer<Scope> body) {
        return scope(name, ScopeOptions.INHERIT, body);
    }

    /**
     * As {@link #scope(String, Consumer)}, with options such as the scope's own password. An
     * exception from {@code body} marks the child scope and this one failed (nothing in them is
     * deleted when the app finishes) and is rethrown.
     *
     * @param name    the scope name, e.g. {@code vault}; no resource of this scope may have it as id
     * @param options the child scope's options, not null ({@link ScopeOptions#INHERIT} for none)
     * @param body    declares the scope's resources; runs in the caller's thread before this returns
     * @return the child scope
     * @throws InvalidIdException     if {@code name} is not a valid id
     * @throws ConfigurationException if {@code name} is already declared here with another kind
     *                                (e.g. as a resource)
     */
    Scope scope(String name, ScopeOptions options, Consumer<Scope> body);
}

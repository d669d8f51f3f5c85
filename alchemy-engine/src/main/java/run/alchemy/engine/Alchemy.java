package run.alchemy.engine;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Scope;
import run.alchemy.api.ScopeOptions;
import run.alchemy.engine.internal.Engine;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One run of an app's stage: Alchemy's {@code await alchemy(app, opts)} … {@code app.finalize()},
 * made by {@link Stage#open()} or {@link Stage#run}; {@link #app(String)} gives the {@link Stage}.
 *
 * <pre>{@code
 * try (Alchemy app = Alchemy.app("my-app").stage("dev").open()) {
 *     FileOutput f = app.apply("config", FsResources.FILE, new FileProps("out/a.txt", "hello"));
 * } // close() finalizes: resources no longer declared are deleted
 * }</pre>
 *
 * <p>The app is the stage scope: {@link #apply}, {@link #applyAsync} and {@link #scope} declare
 * resources in it. {@link #close()} waits for async applies and finalizes; if any apply failed,
 * the failed scopes are not cleaned up. In {@link Phase#DESTROY} the stage is destroyed by
 * {@link Stage#open()} and nothing may be declared.
 */
public final class Alchemy implements Scope, AutoCloseable {
    private final Engine engine;
    private final Scope stage;

    /** A run on {@code engine}, which is open: made by {@link Stage#open()}. */
    Alchemy(Engine engine) {
        this.engine = engine;
        this.stage = engine.stage();
    }

    /**
     * The environment variables the default stage is read from, in order: {@code STAGE},
     * {@code ALCHEMY_STAGE}, {@code USER}, {@code USERNAME}.
     */
    public static final List<String> STAGE_VARIABLES = List.of("STAGE", "ALCHEMY_STAGE", "USER", "USERNAME");

    /**
     * The stage a run works on when none is given: the first of {@link #STAGE_VARIABLES} that is set
     * and not empty in {@code environment}, else {@code "dev"}. The one rule for the default stage:
     * {@link Stage#stage} defaults to it, and so do the CLI's {@code deploy} and {@code state} commands.
     *
     * @param environment variable names and values, such as {@link System#getenv()}
     * @return the stage name: the value of the first variable set, or {@code "dev"}
     * @throws NullPointerException if {@code environment} is null
     */
    public static String defaultStage(Map<String, String> environment) {
        for (String name : STAGE_VARIABLES) {
            String v = environment.get(name);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "dev";
    }

    /**
     * The app named {@code name} at its default stage ({@link #defaultStage} of the environment,
     * resolved when the stage is used), with Alchemy's defaults: derive the stage and options to run
     * with from it. A {@link Stage} is immutable. Nothing is opened or read here; the name is
     * checked when the stage is used.
     *
     * @param name the app's name, the first element of every chain ({@code "my-app"})
     * @return the app's stage with every option at its default, to derive from and open
     * @throws NullPointerException if {@code name} is null
     */
    public static Stage app(String name) {
        return Stage.of(name);
    }

    @Override
    public String app() {
        return stage.app();
    }

    @Override
    public String stage() {
        return stage.stage();
    }

    @Override
    public List<String> chain() {
        return stage.chain();
    }

    @Override
    public Phase phase() {
        return stage.phase();
    }

    @Override
    public <P, O> O apply(String id, ResourceProvider<P, O> provider, P props, ApplyOptions options) {
        return stage.apply(id, provider, props, options);
    }

    @Override
    public <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props,
                                                  ApplyOptions options) {
        return stage.applyAsync(id, provider, props, options);
    }

    @Override
    public Scope scope(String name, ScopeOptions options, Consumer<Scope> body) {
        return stage.scope(name, options, body);
    }

    /**
     * Ends the run: waits for its async applies; in {@link Phase#UP} finalizes (deletes the old
     * copies of replaced resources and the resources no longer declared, except in scopes where an
     * apply failed); records the run's end in the log (if it appended anything); flushes; releases
     * the stage lock; and closes the store. Called by {@link Stage#run} when the program returns
     * normally. The store is closed and the lock released even when this throws.
     *
     * @throws AlchemyException when async applies failed (the first as the cause, the others
     *                          suppressed), or when the run stopped at a failed write of the
     *                          state; a failed finalizing delete throws its own
     *                          {@link run.alchemy.api.ProviderException}
     */
    @Override
    public void close() {
        try {
            engine.finish();
        } catch (RuntimeException | Error e) {
            closeInto(engine, e);
            if (engine.writeFailure().orElse(null) == e) {
                // the program may have got this very exception from an apply: a try-with-resources
                // would add it to itself (IllegalArgumentException: Self-suppression not permitted)
                throw new AlchemyException("the run stopped at a failed write: " + e.getMessage(), e);
            }
            throw e;
        }
        engine.close();
    }

    /**
     * Ends the run after the program failed with {@code failure}, without finalizing: async applies
     * not started are skipped, those running are waited for, and their failures and close's are
     * added to {@code failure} as suppressed.
     */
    /** The plan of a run opened by {@link Stage#plan}, once closed. */
    Plan plan() {
        return engine.plan();
    }

        void abortAfter(Throwable failure) {
        try {
            engine.abort(failure).forEach(f -> suppress(failure, f));
        } catch (RuntimeException suppressed) {
            suppress(failure, suppressed);
        }
        closeInto(engine, failure);
    }

    /** Closes the engine after {@code failure}, which stays the exception thrown (close's is added to it). */
    private static void closeInto(Engine engine, Throwable failure) {
        try {
            engine.close();
        } catch (RuntimeException e) {
            suppress(failure, e);
        }
    }

    /**
     * Adds {@code other} to {@code failure} once: a failed write of the state is rethrown as the
     * same exception by every later write (and by each apply it failed), and may be {@code failure}.
     */
    private static void suppress(Throwable failure, Throwable other) {
        if (other != failure && !Arrays.asList(failure.getSuppressed()).contains(other)) {
            failure.addSuppressed(other);
        }
    }

    /**
     * The run for messages.
     *
     * @return {@code Alchemy(app/stage, PHASE)}
     */
    @Override
    public String toString() {
        return "Alchemy(" + String.join("/", chain()) + ", " + phase() + ")";
    }
}

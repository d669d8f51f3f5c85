package run.alchemy.engine.internal;

import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.RunListener;
import run.alchemy.api.Scope;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Alchemy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every option of a {@code Stage}, immutable: each {@code with…} returns a copy with one option
 * changed. The options are checked by {@code Stage}, which documents them; {@code null} means
 * "the default, resolved when used" for {@code stage}, {@code password}, {@code storeFactory} and
 * {@code program}.
 *
 * @param storeFactory     opens the store for a stage; {@code null}: {@code fs:.alchemy}
 * @param storeDescription how {@link #toString()} names the store: never a credential
 * @param message          what the runs are for, recorded in their start; {@code null}: nothing
 */
public record StageSettings(String app, String stage, Phase phase, String password, boolean force,
                            boolean eraseSecrets, int concurrency, Function<Scope, StateStore> storeFactory,
                            String storeDescription, List<ResourceProvider<?, ?>> providers, RunListener listener,
                            Map<String, String> environment, Duration lockTimeout, Duration lease, String program,
                            String message) {
    /** The default store, by URI. */
    public static final String DEFAULT_STORE = "fs:.alchemy";

    public StageSettings {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(storeDescription, "storeDescription");
        providers = List.copyOf(providers);
        Objects.requireNonNull(listener, "listener");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(lease, "lease");
    }

    /** Alchemy's defaults for the app {@code app}. */
    public static StageSettings defaults(String app) {
        return new StageSettings(app, null, Phase.UP, null, false, false,
                Math.max(2, Runtime.getRuntime().availableProcessors()), null, DEFAULT_STORE + " (default)", List.of(),
                o -> { }, System.getenv(), Duration.ZERO, Duration.ofSeconds(30), null, null);
    }

    /** The stage given, else the default stage of the environment. */
    public String stageName() {
        return stage != null ? stage : Alchemy.defaultStage(environment);
    }

    /** The password given, else {@code ALCHEMY_PASSWORD} of the environment; may be {@code null}. */
    public String passwordOrDefault() {
        return password != null ? password : environment.get("ALCHEMY_PASSWORD");
    }

    /** The program given, else the Java command. */
    public String programOrDefault() {
        if (program != null) {
            return program;
        }
        String command = System.getProperty("sun.java.command", "");
        return command.isEmpty() ? "java" : command.split(" ")[0];
    }

    public StageSettings withStage(String stage) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withPhase(Phase phase) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withPassword(String password) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withForce(boolean force) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withEraseSecrets(boolean eraseSecrets) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withConcurrency(int concurrency) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    /** The store: {@code factory}, named in {@link #toString()} as {@code description}. */
    public StageSettings withStore(Function<Scope, StateStore> factory, String description) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, factory,
                description, providers, listener, environment, lockTimeout, lease, program, message);
    }

    /** The providers given so far and {@code provider}. */
    public StageSettings withProvider(ResourceProvider<?, ?> provider) {
        List<ResourceProvider<?, ?>> more = new ArrayList<>(providers);
        more.add(Objects.requireNonNull(provider, "provider"));
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, more, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withListener(RunListener listener) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withEnvironment(Map<String, String> environment) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withLockTimeout(Duration lockTimeout) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withLease(Duration lease) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withProgram(String program) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    public StageSettings withMessage(String message) {
        return new StageSettings(app, stage, phase, password, force, eraseSecrets, concurrency, storeFactory,
                storeDescription, providers, listener, environment, lockTimeout, lease, program, message);
    }

    /**
     * App, stage (when given), phase and store; never the password, the environment (which may
     * hold credentials) or a store's credentials.
     */
    @Override
    public String toString() {
        return "app=" + app + (stage != null ? ", stage=" + stage : "") + ", phase=" + phase
                + ", store=" + storeDescription;
    }
}

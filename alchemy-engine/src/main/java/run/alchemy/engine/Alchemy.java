package run.alchemy.engine;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.RunListener;
import run.alchemy.api.Scope;
import run.alchemy.api.ScopeOptions;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.Engine;
import run.alchemy.engine.internal.Ids;
import run.alchemy.engine.internal.StageLease;
import run.alchemy.engine.internal.PasswordRotation;
import run.alchemy.engine.internal.ProviderRegistry;
import run.alchemy.engine.internal.state.RecordImport;
import run.alchemy.engine.internal.state.StateRepository;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run of an app's stage: Alchemy's {@code await alchemy(app, opts)} … {@code app.finalize()}.
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
 * {@link Builder#open()} and nothing may be declared.
 */
public final class Alchemy implements Scope, AutoCloseable {
    private final Engine engine;
    private final Scope stage;

    private Alchemy(Engine engine) {
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
     * {@link Builder#stage} defaults to it, and so do the CLI's {@code deploy} and {@code state} commands.
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

    /** Starts configuring a run of the app named {@code name}. */
    public static Builder app(String name) {
        return new Builder(name);
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

    /** Finalizes the run (waits for async applies, deletes orphans and replaced copies) and closes the store. */
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
        if (other != failure && !java.util.Arrays.asList(failure.getSuppressed()).contains(other)) {
            failure.addSuppressed(other);
        }
    }

    @Override
    public String toString() {
        return "Alchemy(" + String.join("/", chain()) + ", " + phase() + ")";
    }

    /** Options of a run; defaults as Alchemy's. Not thread-safe; {@link #open()} makes an independent app. */
    public static final class Builder {
        private final String app;
        private String stage;
        private Phase phase = Phase.UP;
        private String password;
        private boolean force;
        private boolean eraseSecrets;
        private int concurrency = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Function<Scope, StateStore> storeFactory;
        private final List<ResourceProvider<?, ?>> providers = new ArrayList<>();
        private RunListener listener = o -> { };
        private Map<String, String> environment = System.getenv();
        private Duration lockTimeout = Duration.ZERO;
        private Duration lease = Duration.ofSeconds(30);
        private String program;

        private Builder(String app) {
            this.app = Objects.requireNonNull(app, "app");
        }

        /** The stage; default {@link Alchemy#defaultStage} of the {@link #environment}: {@code STAGE}, {@code ALCHEMY_STAGE}, {@code USER}, {@code USERNAME}, then {@code dev}. */
        public Builder stage(String stage) {
            this.stage = stage;
            return this;
        }

        public Builder phase(Phase phase) {
            this.phase = Objects.requireNonNull(phase, "phase");
            return this;
        }

        /** The password that encrypts secrets; default {@code ALCHEMY_PASSWORD}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Update every resource even when its props are unchanged (Alchemy's {@code --force}). */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /**
         * Alchemy's {@code eraseSecrets}: stored secrets are dropped instead of decrypted (for a lost
         * password), so they vanish from state as resources are rewritten. Requires {@link #force}.
         */
        public Builder eraseSecrets(boolean eraseSecrets) {
            this.eraseSecrets = eraseSecrets;
            return this;
        }

        /** At most this many {@code applyAsync} provider calls at once (default: cores, at least 2). */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new ConfigurationException("concurrency must be at least 1, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** The state store by URI, found through ServiceLoader; default {@code fs:.alchemy}. */
        public Builder stateStore(String uri) {
            Objects.requireNonNull(uri, "uri");
            this.storeFactory = scope -> StateStores.open(uri);
            return this;
        }

        /** A store instance; it is closed with the app. */
        public Builder stateStore(StateStore store) {
            Objects.requireNonNull(store, "store");
            this.storeFactory = scope -> store;
            return this;
        }

        /**
         * A store made from the stage scope, like Alchemy's {@code stateStore: (scope) => …}. The
         * scope passed in tells app, stage and chain; it cannot apply resources yet.
         */
        public Builder stateStore(Function<Scope, StateStore> factory) {
            this.storeFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * A provider to delete records of its kind that are no longer declared; ServiceLoader finds the
         * rest. Its props and output types are checked when the app is opened, before any resource
         * is touched: one in a named module whose package is not open (or, for a public type,
         * exported) to Jackson fails with a {@link ConfigurationException} naming the line to add.
         */
        public Builder provider(ResourceProvider<?, ?> provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** Told what happens to each resource. */
        public Builder listener(RunListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How long to wait for another run of the stage to finish (as Terraform's {@code -lock-timeout});
         * default zero: fail at once with a {@link run.alchemy.api.StageLockedException} naming the holder.
         * With zero, a run takes the stage lock only at its first write, so a run that writes nothing
         * takes none, and one whose stage another run changed after it read fails at that write, before
         * calling the provider, with a {@link run.alchemy.api.StageChangedException}. With a timeout the
         * lock is taken at open, before anything is read, and runs take turns.
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long the stage lock lasts unless renewed (renewed every third of it); default 30 s. */
        public Builder lease(Duration lease) {
            if (lease.isNegative() || lease.isZero()) {
                throw new ConfigurationException("the lease must be positive, was " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** What is running, recorded in the run events; default the Java command. */
        public Builder program(String program) {
            this.program = program;
            return this;
        }

        /** The environment the defaults are read from (stage, password); default {@link System#getenv()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** Opens the store; in {@link Phase#DESTROY} also destroys the stage before returning. */
        public Alchemy open() {
            if (eraseSecrets && !force) {
                throw new ConfigurationException("eraseSecrets needs force(true): every resource must be rewritten"
                        + " for its secrets to be erased (as Alchemy's --erase-secrets needs --force)");
            }
            // Before the store is opened: a provider whose types Jackson cannot reach fails here.
            ProviderRegistry registry = new ProviderRegistry(providers);
            Session session = openSession(phase != Phase.READ, lockTimeout.isZero());
            Engine engine;
            try {
                engine = new Engine(app, session.stage, phase, force, concurrency, session.serde, session.repo,
                        registry, listener, password(), eraseSecrets, session.lease);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            try {
                engine.open();
                if (phase == Phase.DESTROY) {
                    engine.destroyStage();
                }
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
            return new Alchemy(engine);
        }

        /**
         * The store, and — when it keeps an event log and the run writes — the log and the stage
         * lock: taken now, or at the first write when {@code lockAtFirstWrite} (a deploy that need
         * not wait its turn: see {@link StageLease}).
         */
        private Session openSession(boolean writes, boolean lockAtFirstWrite) {
            String stageName = stageName();
            StateStore store = openStore(stageName);
            StateSerde serde = new StateSerde();
            try {
                Ids.check(stageName, "the stage name of app " + app);
                Ids.check(app, "the app name");
                StageLog log = writes ? store.logStore(app, stageName).map(l -> new StageLog(l, InstantSource.system()))
                        .orElse(null) : null;
                String runId = UUID.randomUUID().toString();
                String user = System.getProperty("user.name", "unknown");
                String host = LockHolder.localHost();
                long pid = ProcessHandle.current().pid();
                StageLease stageLease = null;
                if (log != null) {
                    Instant now = Instant.now();
                    LockHolder me = new LockHolder(UUID.randomUUID().toString(), runId, user, host, pid, now, now.plus(lease));
                    stageLease = lockAtFirstWrite ? StageLease.atFirstWrite(log, me, lease, app + "/" + stageName)
                            : StageLease.acquire(log, me, lease, lockTimeout, app + "/" + stageName);
                }
                StateRepository repo = log == null ? StateRepository.snapshotsOnly(store, serde)
                        : StateRepository.eventSourced(store, serde, log, new StateRepository.RunInfo(runId,
                                user + "@" + host, pid, phase, program != null ? program : defaultProgram(), Instant.now()));
                if (stageLease != null) {
                    repo.guardAppends(stageLease);
                }
                return new Session(stageName, store, serde, repo, stageLease);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        private record Session(String stage, StateStore store, StateSerde serde, StateRepository repo,
                               StageLease lease) implements AutoCloseable {
            @Override
            public void close() {
                try {
                    repo.flush();
                } finally {
                    try {
                        if (lease != null) {
                            lease.release();
                        }
                    } finally {
                        repo.log().ifPresent(StageLog::close);
                        store.close();
                    }
                }
            }
        }

        private static String defaultProgram() {
            String command = System.getProperty("sun.java.command", "");
            return command.isEmpty() ? "java" : command.split(" ")[0];
        }

        /**
         * Opens the app, runs {@code program} and finalizes — only if the program returns normally.
         * A program that throws leaves every record as it is (Alchemy's {@code finalize()} is never
         * reached either), which try-with-resources cannot promise. Its async applies that have not
         * started are skipped; those running are waited for before the run ends and the lock is
         * released, and their failures are added to the program's exception as suppressed.
         */
        public void run(Consumer<Alchemy> program) {
            Alchemy app = open();
            try {
                program.accept(app);
            } catch (RuntimeException | Error e) {
                try {
                    app.engine.abort().forEach(f -> suppress(e, f));
                } catch (RuntimeException suppressed) {
                    suppress(e, suppressed);
                }
                closeInto(app.engine, e);
                throw e;
            }
            app.close();
        }

        /**
         * Re-encrypts every secret of the stage (the configured password, or {@code ALCHEMY_PASSWORD},
         * is the old one) under {@code newPassword}. Everything is read and decrypted first, so a
         * wrong password changes nothing; then each record is rewritten atomically. With
         * {@code dryRun} nothing is written. Run it while no deploy of the stage is running.
         */
        public RotationReport rotatePassword(String newPassword, boolean dryRun) {
            if (newPassword == null || newPassword.isEmpty()) {
                throw new ConfigurationException("the new password must not be empty");
            }
            String old = password();
            if (old == null) {
                throw new ConfigurationException("rotating needs the current password: set ALCHEMY_PASSWORD or"
                        + " call password(...)");
            }
            int[] scanned = new int[1];
            try (Session session = openSession(!dryRun, false)) {
                session.repo.open(List.of(app, session.stage));
                List<PasswordRotation.Rotated> rotated = PasswordRotation.rotate(session.repo,
                        List.of(app, session.stage), new SecretCodec(old), new SecretCodec(newPassword), dryRun, scanned);
                session.repo.finishRun(true, Map.of(run.alchemy.api.Action.UPDATED, rotated.size()), 0);
                return new RotationReport(scanned[0], rotated.stream().map(PasswordRotation.Rotated::location).toList(),
                        rotated.stream().mapToInt(PasswordRotation.Rotated::secrets).sum(), dryRun);
            }
        }

        /**
         * Writes records from outside a deploy (an export of another stage, say) into this stage,
         * byte for byte, as a run of its own: each new or changed record becomes an {@code imported}
         * event, projected into the snapshots like a deploy's writes, under the stage lock (a running
         * deploy makes it fail with a {@link run.alchemy.api.StageLockedException}). Every record is
         * checked to be a state record in the stage before anything is written; {@code source} names
         * where the records came from in errors.
         */
        public ImportReport importRecords(String source, Map<Address, byte[]> records) {
            Map<List<String>, Map<String, byte[]>> byChain = new java.util.LinkedHashMap<>();
            records.forEach((a, bytes) -> byChain.computeIfAbsent(a.chain(), c -> new java.util.LinkedHashMap<>())
                    .put(a.id(), bytes));
            try (Session session = openSession(true, false)) {
                List<String> stageChain = List.of(app, session.stage);
                session.repo.open(stageChain);
                RecordImport.Counts counts = RecordImport.run(session.repo, session.serde, stageChain, source, byChain);
                session.repo.finishRun(true, Map.of(run.alchemy.api.Action.CREATED, counts.added(),
                        run.alchemy.api.Action.UPDATED, counts.replaced(), run.alchemy.api.Action.SKIPPED,
                        counts.unchanged()), 0);
                return new ImportReport(counts.added(), counts.replaced(), counts.unchanged());
            }
        }

        /**
         * The stage's history from its event log (no lock is taken to read; rebuild and compaction
         * take the stage lock, honouring {@link #lockTimeout}).
         */
        public History history() {
            String stageName = stageName();
            Ids.check(app, "the app name");
            Ids.check(stageName, "the stage name of app " + app);
            StateStore store = openStore(stageName);
            StageLog log;
            try {
                log = store.logStore(app, stageName).map(l -> new StageLog(l, InstantSource.system()))
                        .orElseThrow(() -> new ConfigurationException("the state store " + store
                                + " keeps no event log, so " + app + "/" + stageName + " has no history"));
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return new History(List.of(app, stageName), store, log, l -> {
                Instant now = Instant.now();
                StageLease held = StageLease.acquire(l, new LockHolder(UUID.randomUUID().toString(), "maintenance-"
                        + UUID.randomUUID(), System.getProperty("user.name", "unknown"), LockHolder.localHost(),
                        ProcessHandle.current().pid(), now, now.plus(lease)), lease, lockTimeout, app + "/" + stageName);
                return held::release;
            });
        }

        private String stageName() {
            return stage != null ? stage : defaultStage(environment);
        }

        private String password() {
            return password != null ? password : environment.get("ALCHEMY_PASSWORD");
        }

        private StateStore openStore(String stageName) {
            Function<Scope, StateStore> factory = storeFactory != null ? storeFactory
                    : scope -> StateStores.open("fs:.alchemy");
            return factory.apply(new StoreScope(app, stageName, phase));
        }
    }

    /** The stage as seen by a store factory: names only. */
    private record StoreScope(String app, String stage, Phase phase) implements Scope {
        @Override
        public List<String> chain() {
            return List.of(app, stage);
        }

        @Override
        public <P, O> O apply(String id, ResourceProvider<P, O> provider, P props, ApplyOptions options) {
            throw notOpen();
        }

        @Override
        public <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props,
                                                      ApplyOptions options) {
            throw notOpen();
        }

        @Override
        public Scope scope(String name, ScopeOptions options, Consumer<Scope> body) {
            throw notOpen();
        }

        private static AlchemyException notOpen() {
            return new AlchemyException("the app is not open yet: a store factory cannot apply resources");
        }
    }
}

package run.alchemy.engine;

import run.alchemy.api.Action;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.RunListener;
import run.alchemy.api.Scope;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.internal.Ids;
import run.alchemy.engine.internal.PasswordRotation;
import run.alchemy.engine.internal.StageLease;
import run.alchemy.engine.internal.StageSession;
import run.alchemy.engine.internal.StageSettings;
import run.alchemy.engine.internal.StateRepairs;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.state.RecordImport;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A stage of an app and how to run it: the options of a run, with Alchemy's defaults, and the
 * verbs that use the stage ({@link #open()}, {@link #run}, {@link #plan}, {@link #history()},
 * {@link #rotatePassword}, {@link #importRecords}, and the repairs {@link #forget}, {@link #move} and
 * {@link #restore(RestorePoint, boolean)}). Made by {@link Alchemy#app(String)}.
 *
 * <p>Immutable: each option returns a copy with that one option changed; a Stage can be kept,
 * shared between threads and opened many times. An option whose result is ignored changes nothing.
 *
 * <pre>{@code
 * Stage dev = Alchemy.app("my-app").stage("dev").stateStore("fs:.alchemy");
 * dev.run(app -> app.apply("config", FsResources.FILE, new FileProps("out/a.txt", "hello")));
 * Stage prod = dev.stage("prod").lockTimeout(Duration.ofMinutes(5));   // dev is unchanged
 * try (Alchemy app = prod.open()) {
 *     app.apply("config", FsResources.FILE, new FileProps("out/a.txt", "hello"));
 * }
 * }</pre>
 *
 * <p>A store given as an instance ({@link #stateStore(StateStore)}) is closed at the end of each
 * use, so such a Stage is opened more than once only with a store that can be used after
 * {@code close()} (as the file-system and in-memory stores can); a URI or a factory opens a store
 * for each use.
 *
 * <p>Options are checked as they are set where they can be ({@link #concurrency}, {@link #lease}),
 * the rest when the stage is used: names, the store's URI, the providers' types. A null option
 * throws a {@link NullPointerException} unless its method says what null means.
 */
public final class Stage {
    private final StageSettings settings;

    private Stage(StageSettings settings) {
        this.settings = settings;
    }

    /** The app's default stage with Alchemy's defaults. */
    static Stage of(String app) {
        return new Stage(StageSettings.defaults(Objects.requireNonNull(app, "app")));
    }

    /**
     * The stage; default {@link Alchemy#defaultStage} of the {@link #environment}: {@code STAGE},
     * {@code ALCHEMY_STAGE}, {@code USER}, {@code USERNAME}, then {@code dev}.
     *
     * @param stage the stage's name ({@code "dev"}, {@code "prod"}); null for the default. An
     *              invalid name fails with an {@link run.alchemy.api.InvalidIdException} at use
     * @return a copy on that stage
     */
    public Stage stage(String stage) {
        return new Stage(settings.withStage(stage));
    }

    /**
     * What a run does: {@link Phase#UP} (the default: apply, then finalize), {@link Phase#DESTROY}
     * (delete every resource of the stage at open) or {@link Phase#READ} (read outputs; no writes,
     * no lock).
     *
     * @param phase the phase of the runs
     * @return a copy with that phase
     */
    public Stage phase(Phase phase) {
        return new Stage(settings.withPhase(Objects.requireNonNull(phase, "phase")));
    }

    /**
     * The password that encrypts and decrypts secrets; default {@code ALCHEMY_PASSWORD} of the
     * {@link #environment}. Never shown by {@link #toString()}.
     *
     * @param password the password; null for the default
     * @return a copy with that password
     */
    public Stage password(String password) {
        return new Stage(settings.withPassword(password));
    }

    /**
     * Update every resource even when its props are unchanged (Alchemy's {@code --force});
     * default false.
     *
     * @param force true to call the provider's update for every resource declared
     * @return a copy with that setting
     */
    public Stage force(boolean force) {
        return new Stage(settings.withForce(force));
    }

    /**
     * Alchemy's {@code eraseSecrets}: stored secrets are dropped instead of decrypted (for a lost
     * password), so they vanish from state as resources are rewritten. Requires {@link #force}:
     * opening a run with it but without force fails with a {@link ConfigurationException}.
     * Default false.
     *
     * @param eraseSecrets true to drop stored secrets
     * @return a copy with that setting
     */
    public Stage eraseSecrets(boolean eraseSecrets) {
        return new Stage(settings.withEraseSecrets(eraseSecrets));
    }

    /**
     * The threads that run {@code applyAsync} applies, and the deletes of a provider whose
     * {@link run.alchemy.api.DestroyStrategy} is parallel; default the number of cores, at least 2.
     *
     * @param concurrency how many at once, at least 1
     * @return a copy with that bound
     * @throws ConfigurationException if {@code concurrency} is below 1
     */
    public Stage concurrency(int concurrency) {
        if (concurrency < 1) {
            throw new ConfigurationException("concurrency must be at least 1, was " + concurrency);
        }
        return new Stage(settings.withConcurrency(concurrency));
    }

    /**
     * The state store by URI, found through ServiceLoader by its scheme, opened at each use;
     * default {@code fs:.alchemy}. {@link #toString()} shows it as {@link StateStores#describe}
     * does, without credentials.
     *
     * @param uri the store's URI, e.g. {@code fs:.alchemy} or {@code s3://bucket/prefix}; an
     *            invalid one, or one whose store is not installed, fails with a
     *            {@link ConfigurationException} at use
     * @return a copy on that store
     */
    public Stage stateStore(String uri) {
        Objects.requireNonNull(uri, "uri");
        return new Stage(settings.withStore(scope -> StateStores.open(uri), StateStores.describe(uri)));
    }

    /**
     * A store instance; it is closed with the app (at the end of each use of this stage).
     *
     * @param store the store, which every use of the copy shares
     * @return a copy on that store
     */
    public Stage stateStore(StateStore store) {
        Objects.requireNonNull(store, "store");
        return new Stage(settings.withStore(scope -> store, "an instance of " + store.getClass().getName()));
    }

    /**
     * A store made from the stage scope, like Alchemy's {@code stateStore: (scope) => …}, called at
     * each use. The scope passed in tells app, stage, phase and chain; it cannot apply resources
     * yet. The store it returns is closed at the end of the use.
     *
     * @param factory makes the store of one use
     * @return a copy on the stores it makes
     */
    public Stage stateStore(Function<Scope, StateStore> factory) {
        Objects.requireNonNull(factory, "factory");
        return new Stage(settings.withStore(factory, "a factory"));
    }

    /**
     * A provider to delete records of its kind that are no longer declared; ServiceLoader finds the
     * rest. Its props and output types are checked when the app is opened, before any resource
     * is touched: one in a named module whose package is not open (or, for a public type,
     * exported) to Jackson fails with a {@link ConfigurationException} naming the line to add.
     * The copy has the providers given so far and this one (the last given for a kind wins).
     *
     * @param provider a provider of the kind of records to delete
     * @return a copy with it
     */
    public Stage provider(ResourceProvider<?, ?> provider) {
        return new Stage(settings.withProvider(Objects.requireNonNull(provider, "provider")));
    }

    /**
     * Told what happens to each resource; default none. Called from several threads at once with
     * {@code applyAsync}: see {@link RunListener}.
     *
     * @param listener the one listener of the runs (it replaces the one set before)
     * @return a copy with that listener
     */
    public Stage listener(RunListener listener) {
        return new Stage(settings.withListener(Objects.requireNonNull(listener, "listener")));
    }

    /**
     * How long to wait for another run of the stage to finish (as Terraform's {@code -lock-timeout});
     * default zero: fail at once with a {@link run.alchemy.api.StageLockedException} naming the holder.
     * With zero, a run takes the stage lock only at its first write, so a run that writes nothing
     * takes none, and one whose stage another run changed after it read fails at that write, before
     * calling the provider, with a {@link run.alchemy.api.StageChangedException}. With a timeout the
     * lock is taken at open, before anything is read, and runs take turns. {@link #history()}'s
     * maintenance, {@link #rotatePassword} and {@link #importRecords} take the lock at their start,
     * waiting as long.
     *
     * @param timeout how long to wait; zero to fail at once
     * @return a copy with that timeout
     */
    public Stage lockTimeout(Duration timeout) {
        return new Stage(settings.withLockTimeout(Objects.requireNonNull(timeout, "timeout")));
    }

    /**
     * How long the stage lock lasts unless renewed (a run renews it every third of it); default
     * 30 s. A lease that ran out is taken over by the next run.
     *
     * @param lease the lease's length, positive
     * @return a copy with that lease
     * @throws ConfigurationException if {@code lease} is zero or negative
     */
    public Stage lease(Duration lease) {
        if (lease.isNegative() || lease.isZero()) {
            throw new ConfigurationException("the lease must be positive, was " + lease);
        }
        return new Stage(settings.withLease(lease));
    }

    /**
     * What is running, recorded in the run events; default the main class (or jar) of the Java
     * command.
     *
     * @param program a name for the program, shown by {@link Run#program()}; null for the default
     * @return a copy with that name
     */
    public Stage program(String program) {
        return new Stage(settings.withProgram(program));
    }

    /**
     * What the runs of this stage are for, recorded in their {@code run-started} event with the git
     * commit checked out in the working directory (when there is one) and shown by {@code state runs}.
     *
     * @param message a line for the log, e.g. {@code "roll out v2"}; null for none (the default)
     * @return a copy with the message
     */
    public Stage message(String message) {
        return new Stage(settings.withMessage(message));
    }

    /**
     * The environment the defaults are read from (stage, password); default {@link System#getenv()}
     * as {@link Alchemy#app} found it. Never shown by {@link #toString()}.
     *
     * @param environment variable names and values; copied
     * @return a copy with that environment
     */
    public Stage environment(Map<String, String> environment) {
        return new Stage(settings.withEnvironment(environment));
    }

    /**
     * Opens a run: checks the options and the providers' types, opens the store and the stage (in
     * {@link Phase#UP} and {@link Phase#DESTROY} on a store with an event log, what an interrupted
     * run left unprojected is projected), and in {@link Phase#DESTROY} destroys the stage before
     * returning. Each call is a run of its own. On a store with an event log, a run that writes
     * takes the stage lock here with a {@link #lockTimeout}, and at its first write without one;
     * a {@link Phase#READ} run takes none. Prefer {@link #run}, which finalizes only when the
     * program returns normally.
     *
     * @return the open run, to declare resources in and then {@link Alchemy#close() close}
     * @throws ConfigurationException           for options that do not fit together
     *                                          ({@code eraseSecrets} without {@code force}), a
     *                                          store URI that is invalid or whose store is not
     *                                          installed, or a provider's type Jackson cannot reach
     * @throws run.alchemy.api.InvalidIdException  for an invalid app or stage name
     * @throws run.alchemy.api.StageLockedException if another run holds the stage (past the lock timeout)
     */
    public Alchemy open() {
        return new Alchemy(StageSession.openEngine(settings));
    }

    /**
     * Opens the app, runs {@code program} and finalizes — only if the program returns normally.
     * A program that throws leaves every record as it is (Alchemy's {@code finalize()} is never
     * reached either), which try-with-resources cannot promise. Its async applies that have not
     * started are skipped; those running are waited for before the run ends and the lock is
     * released, and their failures are added to the program's exception as suppressed.
     *
     * @param program the deploy program: declares resources in the run it is given
     * @throws RuntimeException what the program throws, rethrown; or what {@link #open()} or
     *                          {@link Alchemy#close()} throws
     */
    public void run(Consumer<Alchemy> program) {
        Alchemy app = open();
        try {
            program.accept(app);
        } catch (RuntimeException | Error e) {
            app.abortAfter(e);
            throw e;
        }
        app.close();
    }

    /**
     * What a deploy of {@code program} would do, doing none of it: the program runs as in
     * {@link #run}, but no provider is called and nothing is written (no record, no log event, no
     * lock). Each {@code apply} returns the stored output of a resource that exists, and null for one
     * that a deploy would create: a program that reads such an output must allow for null in a plan.
     * Resources a provider declares as children are not planned (only it knows them).
     *
     * @param program the deploy program, as given to {@link #run}
     * @return every declared resource's step, then the records a deploy would delete
     * @throws ConfigurationException when this stage's phase is not {@link Phase#UP}
     */
    public Plan plan(Consumer<Alchemy> program) {
        Alchemy app = new Alchemy(StageSession.openPlanner(settings));
        try {
            program.accept(app);
        } catch (RuntimeException | Error e) {
            app.abortAfter(e);
            throw e;
        }
        app.close();
        return app.plan();
    }

    /**
     * Re-encrypts every secret of the stage (the configured password, or {@code ALCHEMY_PASSWORD},
     * is the old one) under {@code newPassword}. Everything is read and decrypted first, so a
     * wrong password changes nothing; then each record is rewritten atomically. With
     * {@code dryRun} nothing is written. Every secret is opened with that one old password, so a
     * stage with a scope of another password of its own fails with a
     * {@link run.alchemy.api.SecretException}, changing nothing. On a store with an event log the
     * rotation is a run of its own under the stage lock (each rewritten record an {@code updated}
     * event); on one without (and in a dry run) it takes no lock: run it while no deploy of the
     * stage is running.
     *
     * @param newPassword the password to encrypt under from now on; not empty
     * @param dryRun      true to only read and count
     * @return what was (or would be) re-encrypted
     * @throws ConfigurationException if {@code newPassword} is empty or there is no current password
     * @throws run.alchemy.api.SecretException if a secret cannot be opened with the current password
     * @throws run.alchemy.api.StageLockedException if another run holds the stage (past the lock timeout)
     */
    public RotationReport rotatePassword(String newPassword, boolean dryRun) {
        if (newPassword == null || newPassword.isEmpty()) {
            throw new ConfigurationException("the new password must not be empty");
        }
        String old = settings.passwordOrDefault();
        if (old == null) {
            throw new ConfigurationException("rotating needs the current password: set ALCHEMY_PASSWORD or"
                    + " call password(...)");
        }
        int[] scanned = new int[1];
        try (StageSession session = StageSession.open(settings, !dryRun, false)) {
            List<String> chain = List.of(settings.app(), session.stage());
            session.repo().open(chain);
            List<PasswordRotation.Rotated> rotated = PasswordRotation.rotate(session.repo(), chain,
                    new SecretCodec(old), new SecretCodec(newPassword), dryRun, scanned);
            session.repo().finishRun(true, Map.of(Action.UPDATED, rotated.size()), 0);
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
     * where the records came from in errors. With a {@link #lockTimeout} it waits that long for
     * the lock. On a store without an event log the records are written to the snapshots
     * directly, with no lock.
     *
     * @param source  where the records came from (a file name, say), for errors
     * @param records each record's address (in this stage's scope or below it) and its bytes
     * @return how many records were added, replaced and already there
     * @throws run.alchemy.api.InvalidIdException      for an address outside the stage, or an invalid name
     * @throws run.alchemy.api.StateCorruptedException for bytes that are no state record
     * @throws run.alchemy.api.StageLockedException    if another run holds the stage (past the lock timeout)
     */
    public ImportReport importRecords(String source, Map<Address, byte[]> records) {
        Map<List<String>, Map<String, byte[]>> byChain = new LinkedHashMap<>();
        records.forEach((a, bytes) -> byChain.computeIfAbsent(a.chain(), c -> new LinkedHashMap<>())
                .put(a.id(), bytes));
        try (StageSession session = StageSession.open(settings, true, false)) {
            List<String> stageChain = List.of(settings.app(), session.stage());
            session.repo().open(stageChain);
            RecordImport.Counts counts = RecordImport.run(session.repo(), session.serde(), stageChain, source, byChain);
            session.repo().finishRun(true, Map.of(Action.CREATED, counts.added(), Action.UPDATED, counts.replaced(),
                    Action.SKIPPED, counts.unchanged()), 0);
            return new ImportReport(counts.added(), counts.replaced(), counts.unchanged());
        }
    }

    /**
     * Removes records from the stage's state, as Terraform's {@code state rm}: the stage forgets
     * resources it should no longer manage. <b>No provider is called and the real resources are not
     * touched</b>; a later deploy that still declares one of them creates it again (a second copy, or a
     * failure if the name is taken), and one that does not declare it leaves it alone.
     *
     * <p>A run of its own: under the stage lock (taken at the start, honouring {@link #lockTimeout}; a
     * running deploy makes it fail with a {@link run.alchemy.api.StageLockedException}), each removal a
     * {@code forgotten} event ({@link run.alchemy.api.event.ResourceEvent.Type#FORGOTTEN}) projected like
     * a deploy's writes. On a store without an event log the records are removed all the same, without
     * a record of it. Every address is checked before anything is written (a refusal writes nothing,
     * not even the lock).
     *
     * @param addresses the records to forget, each in this stage's scope or below it
     * @param recursive also forget every record under each of them (in its own scope, and theirs); without
     *                  it, a record with records under it is refused
     * @return the addresses removed, in the order they were: a record's children (and theirs) before it,
     *         each address once
     * @throws run.alchemy.api.StateNotFoundException when an address has no record (the message names it
     *         and the nearest ids of its scope)
     * @throws ConfigurationException when a record has records under it and {@code recursive} is false (the
     *         message names it and how many)
     * @throws run.alchemy.api.InvalidIdException for an address outside the stage, or the stage's own record
     */
    public List<Address> forget(List<Address> addresses, boolean recursive) {
        List<Address> given = List.copyOf(addresses);
        if (given.isEmpty()) {
            return List.of();
        }
        StageSession.Precheck check = (snapshots, serde, log) ->
                StateRepairs.planForget(snapshots, stageChain(), given, recursive);
        try (StageSession session = StageSession.open(settings, true, false, check)) {
            List<String> stage = stageChain();
            session.repo().open(stage);
            List<StateRepairs.Forgotten> plan = StateRepairs.planForget(session.repo(), stage, given, recursive);
            StateRepairs.forget(session.repo(), plan);
            session.repo().finishRun(true, Map.of(Action.DELETED, plan.size()), 0);
            return plan.stream().map(StateRepairs.Forgotten::address).toList();
        }
    }

    /**
     * Moves a record to another id or scope, as Terraform's {@code state mv}: after renaming a resource
     * (or moving it into a scope) in the program, the next deploy finds it under its new address and
     * skips it instead of creating a new one and deleting the old. <b>No provider is called and the real
     * resources are not touched</b>: only the records are rewritten.
     *
     * <p>The record's {@code id} and {@code fqn} and its output's {@code Symbol(alchemy::ResourceID)} and
     * {@code Symbol(alchemy::ResourceFQN)} name the new address (an empty {@code fqn}, as {@code alchemy.run}
     * writes for scope records, stays empty); everything else, {@code seq} included, is kept byte for byte.
     * The records under it (in its own scope, and theirs) move with it: their scope chain starts with the
     * new address, and their {@code fqn} changes with it. Secrets keep their envelopes (nothing is
     * decrypted): a record moved into a scope with a password of its own ({@code ScopeOptions}) holds
     * secrets that scope cannot open until they are written again under its password. Values a provider
     * derived from the old name (in the output) are the real resource's and stay as they are.
     *
     * <p>A run of its own: under the stage lock (taken at the start, honouring {@link #lockTimeout}; a
     * running deploy makes it fail with a {@link run.alchemy.api.StageLockedException}), each record moved
     * as two {@code moved} events ({@link run.alchemy.api.event.ResourceEvent.Type#MOVED}): one at the old
     * address that removes it, one at the new address with its new bytes. On a store without an event log
     * the records are moved all the same, without a record of it. Everything is checked before anything is
     * written (a refusal writes nothing, not even the lock).
     *
     * @param from the record to move, in this stage's scope or below it
     * @param to   its new address: in the stage's scope, or in a scope whose record exists
     * @return each moved record's old address and new one, the record itself first, then the records under
     *         it, parents before their children
     * @throws run.alchemy.api.StateNotFoundException when {@code from} has no record
     * @throws ConfigurationException when {@code to} already has a record, when it is under {@code from},
     *         when its scope has no record (and is not the stage), or when a record under {@code from} would
     *         move onto one that exists
     * @throws run.alchemy.api.InvalidIdException for an address outside the stage, the stage's own record,
     *         or an invalid new id or scope name
     * @throws run.alchemy.api.StateCorruptedException when a record to move is damaged
     */
    public Map<Address, Address> move(Address from, Address to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        StageSession.Precheck check = (snapshots, serde, log) ->
                StateRepairs.planMove(snapshots, serde, stageChain(), from, to);
        try (StageSession session = StageSession.open(settings, true, false, check)) {
            List<String> stage = stageChain();
            session.repo().open(stage);
            List<StateRepairs.Moved> plan = StateRepairs.planMove(session.repo(), session.serde(), stage, from, to);
            StateRepairs.move(session.repo(), plan);
            session.repo().finishRun(true, Map.of(Action.UPDATED, plan.size()), 0);
            Map<Address, Address> moved = new LinkedHashMap<>();
            plan.forEach(m -> moved.put(m.from(), m.to()));
            return Collections.unmodifiableMap(moved);
        }
    }

    /**
     * {@link #restore(RestorePoint, boolean)} to the state as of a log position (its event included):
     * past the head is the head, before the first event (0) the empty stage.
     *
     * @param position a position of the stage's log, as {@link History#head()} and {@link Run#to()} give them
     * @param dryRun   write nothing (and take no lock): only report what would change
     * @return what changed (or would)
     */
    public RestoreReport restore(long position, boolean dryRun) {
        return restore(RestorePoint.position(position), dryRun);
    }

    /**
     * Makes the stage's state what it was at {@code point} of its event log: every record that differs
     * from its state then is written back with its bytes of then, and every record that did not exist
     * then is removed. <b>No provider is called and the real resources are not touched</b>: a deploy
     * afterwards brings them in line with the restored records, as it would after any change of state
     * (it updates what the restored props differ from, say).
     *
     * <p>History is never rewritten: the restore is a run of its own appended to it, each record written
     * or removed a {@code restored} event ({@link run.alchemy.api.event.ResourceEvent.Type#RESTORED}),
     * under the stage lock (taken at the start, honouring {@link #lockTimeout}; a running deploy makes it
     * fail with a {@link run.alchemy.api.StageLockedException}). The records as they are now are read as
     * a run reads them (a record edited outside the log is adopted first, as an {@code external-change});
     * a damaged one refuses the restore before anything is written. Restoring a state the stage is in
     * appends nothing.
     *
     * <p>With {@code dryRun} nothing is written and no lock is taken: the report lists the same changes,
     * comparing with the records as stored.
     *
     * @param point  a log position, a time, or the end of a run ({@link RestorePoint})
     * @param dryRun write nothing (and take no lock): only report what would change
     * @return the position restored, how many records were written back (added, changed) and removed, and
     *         the changes from the state before to the state after, as {@link History#diff} tells them
     * @throws ConfigurationException when the store keeps no event log, when the log holds no such run,
     *         or when the point lies before a compaction (that state is gone)
     * @throws run.alchemy.api.StateCorruptedException when a record now in the stage is damaged
     */
    public RestoreReport restore(RestorePoint point, boolean dryRun) {
        Objects.requireNonNull(point, "point");
        RestoreReport[] dry = new RestoreReport[1];
        StageSession.Precheck check = (snapshots, serde, log) -> {
            List<String> stage = stageChain();
            StageLog l = log.orElseThrow(() -> noLog(snapshots.store(), "restore"));
            dry[0] = Restoration.plan(snapshots, serde, stage, Restoration.target(l, point, stage)).report(true);
        };
        try (StageSession session = StageSession.open(settings, !dryRun, false, check)) {
            if (dryRun) {
                return dry[0];
            }
            List<String> stage = stageChain();
            session.repo().open(stage);
            StageLog log = session.repo().log().orElseThrow(() -> noLog(session.store(), "restore"));
            Restoration.Plan plan = Restoration.plan(session.repo(), session.serde(), stage,
                    Restoration.target(log, point, stage));
            plan.write(session.repo());
            session.repo().finishRun(true, Map.of(Action.CREATED, plan.added(), Action.UPDATED, plan.changed(),
                    Action.DELETED, plan.removed()), 0);
            return plan.report(false);
        }
    }

    private List<String> stageChain() {
        return List.of(settings.app(), settings.stageName());
    }

    private ConfigurationException noLog(StateStore store, String verb) {
        return new ConfigurationException("the state store " + store + " keeps no event log, so "
                + settings.app() + "/" + settings.stageName() + " has no history to " + verb + " from");
    }

    /**
     * The stage's history from its event log (no lock is taken to read; rebuild and compaction
     * take the stage lock, honouring {@link #lockTimeout}). It holds the store open: close it.
     *
     * @return the history, open on the stage's store
     * @throws ConfigurationException                if the store keeps no event log
     * @throws run.alchemy.api.InvalidIdException  for an invalid app or stage name
     */
    public History history() {
        String app = settings.app();
        String stageName = settings.stageName();
        Ids.check(app, "the app name");
        Ids.check(stageName, "the stage name of app " + app);
        StateStore store = StageSession.openStore(settings, stageName);
        StageLog log;
        try {
            log = store.logStore(app, stageName).map(l -> new StageLog(l, InstantSource.system()))
                    .orElseThrow(() -> new ConfigurationException("the state store " + store
                            + " keeps no event log, so " + app + "/" + stageName + " has no history"));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Duration lease = settings.lease();
        return new History(List.of(app, stageName), store, log, l -> {
            Instant now = Instant.now();
            StageLease held = StageLease.acquire(l, new LockHolder(UUID.randomUUID().toString(), "maintenance-"
                    + UUID.randomUUID(), System.getProperty("user.name", "unknown"), LockHolder.localHost(),
                    ProcessHandle.current().pid(), now, now.plus(lease)), lease, settings.lockTimeout(),
                    app + "/" + stageName);
            return held::release;
        });
    }

    /**
     * Names the app, the stage (when set), the phase and the store; never a password, the
     * environment or a store's credentials.
     *
     * @return e.g. {@code Stage[app=my-app, stage=dev, phase=UP, store=fs:.alchemy]}
     */
    @Override
    public String toString() {
        return "Stage[" + settings + "]";
    }
}

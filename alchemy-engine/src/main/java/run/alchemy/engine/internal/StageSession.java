package run.alchemy.engine.internal;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.Phase;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.StateStores;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.state.StateRepository;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;

/**
 * What one use of a stage holds open: the store and, when it keeps an event log and the use
 * writes, the log and the stage lock. Closing flushes, releases the lock and closes the store.
 * Also opens a run's {@link Engine} on a session.
 */
public record StageSession(String stage, StateStore store, StateSerde serde, StateRepository repo, StageLease lease)
        implements AutoCloseable {

    /**
     * Opens the store of {@code settings}' stage and — when it keeps an event log and
     * {@code writes} — the log and the stage lock: taken now, or at the first write when
     * {@code lockAtFirstWrite} (a deploy that need not wait its turn: see {@link StageLease}).
     */
    public static StageSession open(StageSettings settings, boolean writes, boolean lockAtFirstWrite) {
        return open(settings, writes, lockAtFirstWrite, null);
    }

    /**
     * What a repair of the state checks before it takes the stage lock, so that a refusal writes
     * nothing at all (not even a lock): {@code snapshots} reads the store's snapshots only, and
     * {@code log} is the stage's log when the store keeps one (read it; never append).
     */
    public interface Precheck {
        void check(StateRepository snapshots, StateSerde serde, Optional<StageLog> log);
    }

    /**
     * {@link #open(StageSettings, boolean, boolean)}, running {@code precheck} (when not null) once the
     * store and log are open and before the stage lock is taken: what it throws fails the open with
     * nothing written.
     */
    public static StageSession open(StageSettings settings, boolean writes, boolean lockAtFirstWrite, Precheck precheck) {
        String app = settings.app();
        String stageName = settings.stageName();
        StateStore store = openStore(settings, stageName);
        StateSerde serde = new StateSerde();
        StageLog log = null;
        try {
            Ids.check(stageName, "the stage name of app " + app);
            Ids.check(app, "the app name");
            log = writes || precheck != null ? store.logStore(app, stageName)
                    .map(l -> new StageLog(l, InstantSource.system())).orElse(null) : null;
            if (precheck != null) {
                precheck.check(StateRepository.snapshotsOnly(store, serde), serde, Optional.ofNullable(log));
                if (!writes && log != null) {
                    log.close();
                    log = null;
                }
            }
            String runId = UUID.randomUUID().toString();
            String user = System.getProperty("user.name", "unknown");
            String host = LockHolder.localHost();
            long pid = ProcessHandle.current().pid();
            StageLease stageLease = null;
            if (log != null) {
                Instant now = Instant.now();
                LockHolder me = new LockHolder(UUID.randomUUID().toString(), runId, user, host, pid, now,
                        now.plus(settings.lease()));
                stageLease = lockAtFirstWrite
                        ? StageLease.atFirstWrite(log, me, settings.lease(), app + "/" + stageName)
                        : StageLease.acquire(log, me, settings.lease(), settings.lockTimeout(), app + "/" + stageName);
            }
            StateRepository repo = log == null ? StateRepository.snapshotsOnly(store, serde)
                    : StateRepository.eventSourced(store, serde, log, new StateRepository.RunInfo(runId,
                            user + "@" + host, pid, settings.phase(), settings.programOrDefault(), Instant.now(),
                            settings.message(), GitCommit.of(java.nio.file.Path.of("")).orElse(null)));
            if (stageLease != null) {
                repo.guardAppends(stageLease);
            }
            return new StageSession(stageName, store, serde, repo, stageLease);
        } catch (RuntimeException e) {
            try {
                if (log != null) {
                    log.close();
                }
            } finally {
                store.close();
            }
            throw e;
        }
    }

    /**
     * Opens a run: checks the options, the providers' types (before the store is opened: one whose
     * types Jackson cannot reach fails here), opens a session and the engine on it, and in
     * {@link Phase#DESTROY} destroys the stage.
     */
    public static Engine openEngine(StageSettings settings) {
        return openEngine(settings, false);
    }

    /**
     * Opens a run that only plans ({@link Engine#plan()}): read-only, so no log is opened and no lock
     * taken, and applies call no provider. The stored snapshots are what it plans against.
     */
    public static Engine openPlanner(StageSettings settings) {
        if (settings.phase() != Phase.UP) {
            throw new ConfigurationException("a plan is of a deploy (phase UP), not of phase " + settings.phase());
        }
        return openEngine(settings, true);
    }

    private static Engine openEngine(StageSettings settings, boolean planning) {
        if (settings.eraseSecrets() && !settings.force()) {
            throw new ConfigurationException("eraseSecrets needs force(true): every resource must be rewritten"
                    + " for its secrets to be erased (as Alchemy's --erase-secrets needs --force)");
        }
        ProviderRegistry registry = new ProviderRegistry(settings.providers());
        Phase phase = settings.phase();
        StageSession session = open(settings, phase != Phase.READ && !planning, settings.lockTimeout().isZero());
        Engine engine;
        try {
            engine = new Engine(settings.app(), session.stage, phase, settings.force(), settings.concurrency(),
                    session.serde, session.repo, registry, settings.listener(), settings.passwordOrDefault(),
                    settings.eraseSecrets(), session.lease, planning);
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
        return engine;
    }

    /** The store of {@code settings} for the stage {@code stageName} (the default: {@code fs:.alchemy}). */
    public static StateStore openStore(StageSettings settings, String stageName) {
        StoreScope scope = new StoreScope(settings.app(), stageName, settings.phase());
        return settings.storeFactory() != null ? settings.storeFactory().apply(scope)
                : StateStores.open(StageSettings.DEFAULT_STORE);
    }

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

package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.DestroyStrategy;
import run.alchemy.api.Operation;
import run.alchemy.api.Outcome;
import run.alchemy.api.Phase;
import run.alchemy.api.ProviderException;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.RunListener;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Alchemy 0.94's operation (spec §7): apply (create / skip / update / replace), finalize
 * (pending deletions, orphans) and destroy. Thread-safe; provider calls of {@code applyAsync}
 * run on a pool of {@code concurrency} threads.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("run.alchemy.engine");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Phase phase;
    private final boolean force;
    private final StateSerde serde;
    private final StateRepository repo;
    private final ProviderRegistry providers;
    private final RunListener listener;
    private final ForkJoinPool pool;
    private final ConcurrentLinkedQueue<CompletableFuture<?>> outstanding = new ConcurrentLinkedQueue<>();
    /** Set once the program failed: applies not started by then are skipped. */
    private volatile boolean aborting;
    private final ScopeImpl stage;
    private final boolean eraseSecrets;
    private final Map<String, SecretCodec> codecs = new ConcurrentHashMap<>();
    private final Map<Action, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    /** Group commit: queued writes reach the log within a few milliseconds. */
    private final ScheduledExecutorService housekeeping;
    /** Renews the stage lease on its own thread, so that a slow append cannot delay a renewal. */
    private final ScheduledExecutorService leaseKeeper;
    private final StageLease lease;
    /** Set for a plan: applies decide and report, and nothing is called or written. */
    private final Planner planner;
    private final Teardown teardown;

    public Engine(String app, String stage, Phase phase, boolean force, int concurrency, StateSerde serde,
                  StateRepository repo, ProviderRegistry providers, RunListener listener, String password,
                  boolean eraseSecrets, StageLease lease, boolean planning) {
        Ids.check(app, "the app name");
        Ids.check(stage, "the stage name of app " + app);
        this.phase = phase;
        this.force = force;
        this.serde = serde;
        this.repo = repo;
        this.providers = providers;
        this.listener = listener;
        this.pool = new ForkJoinPool(concurrency);
        this.eraseSecrets = eraseSecrets;
        SecretCodec codec = codecFor(password);
        this.stage = new ScopeImpl(this, List.of(app, stage), ScopeImpl.Type.STAGE, codec, codec);
        this.lease = lease;
        this.planner = planning ? new Planner(serde, repo, force) : null;
        this.teardown = new Teardown(this, repo, providers, pool);
        this.housekeeping = daemon("alchemy-state-committer");
        this.leaseKeeper = daemon("alchemy-stage-lease");
        if (repo.log().isPresent()) {
            housekeeping.scheduleWithFixedDelay(this::flushQuietly, 5, 5, TimeUnit.MILLISECONDS);
        }
        if (lease != null) {
            long every = Math.max(1, lease.duration().toMillis() / 3);
            leaseKeeper.scheduleWithFixedDelay(lease::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public ScopeImpl stage() {
        return stage;
    }

    Phase phase() {
        return phase;
    }

    /** Whether this run only plans: named scopes get no record either. */
    boolean planning() {
        return planner != null;
    }

    /** The plan made so far; complete after {@link #finish()}. */
    public run.alchemy.engine.Plan plan() {
        if (planner == null) {
            throw new IllegalStateException("not a plan");
        }
        return planner.plan();
    }

    /** One codec per password, so that derived keys are shared and unchanged secrets keep their bytes. */
    SecretCodec codecFor(String password) {
        return codecs.computeIfAbsent(password == null ? "\u0000none" : "=" + password,
                k -> new SecretCodec(password, eraseSecrets));
    }

    StateRepository repository() {
        return repo;
    }

    private void flushQuietly() {
        try {
            repo.flush();
        } catch (RuntimeException e) {
            // kept by the repository; the next write or the end of the run reports it
        }
    }

    /** Re-projects what a crash left unprojected and adopts state written without a log. */
    public int open() {
        return repo.open(stage.chain());
    }

    <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> f = CompletableFuture.supplyAsync(() -> {
            if (aborting) {
                throw new CancellationException("not started: the program failed");
            }
            return task.get();
        }, pool);
        outstanding.add(f);
        // The program gets a copy: cancelling it must not let the run end (and release the lock)
        // while the apply still runs, since cancel does not stop a task that has started.
        return f.copy();
    }

    /** Waits for every submitted apply, also those submitted meanwhile; their failures, in order. */
    private List<Throwable> awaitApplies() {
        List<Throwable> failures = new ArrayList<>();
        CompletableFuture<?> f;
        while ((f = outstanding.poll()) != null) {
            try {
                f.join();
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        return failures;
    }

    // ------------------------------------------------------------------ apply

    <P, O> O apply(ScopeImpl scope, String id, int seq, ResourceProvider<P, O> provider, P props,
                   ApplyOptions options) {
        providers.register(provider);
        List<String> chain = scope.chain();
        String fqn = StateRepository.fqn(chain, id);
        String kind = provider.kind();
        SecretCodec codec = scope.codec;
        Optional<ObjectNode> stored = repo.read(chain, id, codec);
        if (phase == Phase.READ) {
            ObjectNode record = stored.orElseThrow(() -> new StateNotFoundException(fqn, repo.locate(chain, id)));
            report(chain, id, kind, Action.READ);
            return typed(record.get("output"), provider.outputType(), fqn, "output");
        }
        if (phase == Phase.DESTROY) {
            throw new IllegalStateException("phase DESTROY: the stage was destroyed when the app was opened;"
                    + " the program does not declare resources in this phase (Alchemy exits there)");
        }
        if (planner != null) {
            JsonNode output = planner.apply(chain, id, provider, props, options, stored);
            return output == null ? null : typed(output, provider.outputType(), fqn, "output");
        }
        JsonNode newProps = serde.toTree(props);
        ObjectNode record;
        Status status;
        if (stored.isEmpty()) {
            record = Records.initial(kind, id, fqn, seq, provider.destroyStrategy());
            status = Status.CREATING;
            repo.write(chain, id, record, codec, Type.DECLARED);
        } else {
            record = stored.get();
            status = Records.status(record, () -> repo.locate(chain, id));
            if (status.isSettled() && !force && !options.alwaysUpdate() && !provider.alwaysUpdate()
                    && serde.sameCanonical(record.get("props"), newProps, fqn)) {
                report(chain, id, kind, Action.SKIPPED);
                return typed(record.get("output"), provider.outputType(), fqn, "output");
            }
        }
        Operation operation = status == Status.CREATING ? Operation.CREATE : Operation.UPDATE;
        JsonNode previousProps = record.get("props");
        JsonNode previousOutput = record.get("output");
        // Sealed after the skip decision (a skip pays no crypto) and before the first write, so
        // that every write of this record carries the same envelope for each secret.
        newProps = serde.sealSecrets(newProps, previousProps, "/props", fqn, codec);
        record.put("status", (operation == Operation.CREATE ? Status.CREATING : Status.UPDATING).wireName());
        setOrRemove(record, "props", newProps);
        setOrRemove(record, "oldProps", previousProps);
        byte[] started = repo.write(chain, id, record, codec, operation == Operation.CREATE ? Type.CREATING : Type.UPDATING);
        scope.appliedAnything = true;

        ScopeImpl own = scope.resourceScope(id);
        P oldProps = operation == Operation.UPDATE ? typed(previousProps, provider.propsType(), fqn, "props") : null;
        O oldOutput = operation == Operation.UPDATE ? typed(previousOutput, provider.outputType(), fqn, "output") : null;
        O output;
        Action action = operation == Operation.CREATE ? Action.CREATED : Action.UPDATED;
        try {
            output = call(fqn, operation, () -> operation == Operation.CREATE
                    ? provider.create(new ResourceContext<>(id, fqn, operation, null, null, false, own), props)
                    : provider.update(new ResourceContext<>(id, fqn, operation, oldProps, oldOutput, false, own), props));
        } catch (ReplaceSignal replace) {
            output = replace(scope, own, id, fqn, provider, props, replace.force, oldProps, oldOutput,
                    previousProps, previousOutput);
            action = Action.REPLACED;
        }
        finalizeScope(own, false);
        own.orphansDone = true;

        // A child replaced in the resource's scope queues its old copy in this record meanwhile;
        // otherwise the record is still the tree written before the provider ran.
        JsonNode data = repo.unchangedSince(chain, id, started) ? record.get("data")
                : repo.read(chain, id, codec).map(r -> r.get("data")).orElse(null);
        JsonNode outputTree = serde.toTree(output);
        if (outputTree != null && !outputTree.isObject()) {
            throw new AlchemyException("the provider of " + kind + " returned " + outputTree.getNodeType()
                    + " for " + fqn + "; an output must be an object (a record or a map)");
        }
        outputTree = serde.sealSecrets(outputTree, previousOutput, "/output", fqn, codec);
        Status settled = operation == Operation.CREATE ? Status.CREATED : Status.UPDATED;
        repo.write(chain, id, Records.settled(kind, id, fqn, seq, data, settled, outputTree, newProps), codec,
                action == Action.REPLACED ? Type.REPLACED : settled == Status.CREATED ? Type.CREATED : Type.UPDATED);
        report(chain, id, kind, action);
        return output;
    }

    private <P, O> O replace(ScopeImpl scope, ScopeImpl own, String id, String fqn, ResourceProvider<P, O> provider,
                             P props, boolean forced, P oldProps, O oldOutput, JsonNode previousProps,
                             JsonNode previousOutput) {
        if (forced) {
            call(fqn, Operation.DELETE, () -> {
                provider.delete(new ResourceContext<>(id, fqn, Operation.DELETE, oldProps, oldOutput, false, own),
                        oldProps, oldOutput);
                return null;
            });
        } else {
            if (own.appliedAnything) {
                throw new AlchemyException("cannot replace " + fqn + ": it already applied child resources or"
                        + " scopes in this update; use replace(true) to delete the old copy first");
            }
            ObjectNode entry = NODES.objectNode();
            entry.set("resource", previousOutput);
            if (previousProps != null) {
                entry.set("oldProps", previousProps);
            }
            repo.update(scope.ownerChain(), scope.ownerId(), scope.ownerCodec, Type.UPDATED, owner -> {
                ObjectNode rec = owner != null ? owner : scope.synthesizeOwnRecord();
                JsonNode data = rec.get("data");
                ObjectNode dataObj = data instanceof ObjectNode o ? o : rec.putObject("data");
                JsonNode list = dataObj.get("pendingDeletions");
                ArrayNode pending = list instanceof ArrayNode a ? a : dataObj.putArray("pendingDeletions");
                pending.add(entry);
                return rec;
            });
        }
        return call(fqn, Operation.CREATE, () ->
                provider.create(new ResourceContext<>(id, fqn, Operation.CREATE, oldProps, forced ? null : oldOutput,
                        true, own), props));
    }

    interface ProviderCall<T> {
        T run() throws Exception;
    }

    <T> T call(String fqn, Operation operation, ProviderCall<T> body) {
        try {
            return body.run();
        } catch (ReplaceSignal e) {
            throw e;
        } catch (AlchemyException e) {
            if (!(e instanceof ProviderException)) {
                failed.incrementAndGet();
            }
            throw e;
        } catch (Exception e) {
            failed.incrementAndGet();
            throw new ProviderException(fqn, operation, e);
        }
    }

    private static void setOrRemove(ObjectNode record, String field, JsonNode value) {
        if (value == null) {
            record.remove(field);
        } else {
            record.set(field, value);
        }
    }

    <T> T typed(JsonNode tree, Class<T> type, String fqn, String field) {
        try {
            return serde.fromTree(tree, type);
        } catch (JsonProcessingException e) {
            String path = e instanceof JsonMappingException m ? m.getPathReference() : "";
            throw new StateCorruptedException(fqn, "stored " + field + " does not map to " + type.getSimpleName()
                    + (path.isEmpty() ? "" : " (at " + path + ")"));
        }
    }

    void report(List<String> chain, String id, String kind, Action action) {
        counts.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, () -> action.tag() + " " + StateRepository.fqn(chain, id));
        listener.onOutcome(new Outcome(chain, id, kind, action));
    }

    // ------------------------------------------------------------------ finalize

    /** Waits for async applies, then finalizes the stage with force (Alchemy's {@code app.finalize()}). */
    public void finish() {
        List<Throwable> failures = awaitApplies();
        if (planner != null) {
            if (failures.isEmpty()) {
                planner.finish(stage);
            }
        } else {
            boolean ok = false;
            String failure = failures.isEmpty() ? null : failures.get(0).getMessage();
            try {
                if (phase == Phase.UP) {
                    finalizeScope(stage, true);
                }
                ok = failures.isEmpty() && !stage.failed;
                if (!ok && failure == null) {
                    failure = "a resource failed, and the program went on";
                }
            } catch (RuntimeException | Error e) {
                failure = failure != null ? failure : e.getMessage();
                throw e;
            } finally {
                repo.finishRun(ok, totals(), failed.get() + failures.size(), failure);
            }
        }
        if (!failures.isEmpty()) {
            AlchemyException summary = new AlchemyException(failures.size() + " resource(s) failed; their scopes"
                    + " were not cleaned up. First: " + failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(summary::addSuppressed);
            throw summary;
        }
    }

    /**
     * Ends a run whose program failed: no finalize, and the run is recorded as failed. Applies not
     * started yet are skipped; those running are waited for first, so that none writes after the
     * run's end or once the lock is released (a resource made then would have no record).
     *
     * @param cause what the program threw: the run's failure as the log records it
     * @return the failures of the applies that ran, for the caller to add to the program's
     */
    public List<Throwable> abort(Throwable cause) {
        aborting = true;
        List<Throwable> failures = awaitApplies();
        failures.removeIf(CancellationException.class::isInstance); // skipped above, not failed
        repo.finishRun(false, totals(), failed.get(), String.valueOf(cause.getMessage()));
        return failures;
    }

    private Map<Action, Integer> totals() {
        Map<Action, Integer> totals = new java.util.EnumMap<>(Action.class);
        counts.forEach((a, n) -> totals.put(a, n.get()));
        return totals;
    }

    private void finalizeScope(ScopeImpl scope, boolean forced) {
        if (scope.failed) {
            return;
        }
        if (forced) {
            teardown.drainPendingDeletions(scope);
            for (ScopeImpl child : scope.children) {
                finalizeScope(child, true);
            }
        }
        if (scope.orphansDone) {
            return;
        }
        List<String> orphans = new ArrayList<>();
        for (String id : repo.list(scope.chain())) {
            if (!scope.declared.containsKey(id)) {
                orphans.add(id);
            }
        }
        if (!orphans.isEmpty()) {
            teardown.destroyRecords(scope.chain(), repo.readBatch(scope.chain(), orphans, scope.codec),
                    DestroyStrategy.SEQUENTIAL, scope.codec);
        }
    }

    // ------------------------------------------------------------------ destroy

    /** Phase DESTROY: pending deletions, every record of the stage, then the stage record and directory. */
    public void destroyStage() {
        teardown.destroyStage(stage);
    }

    /** The failure that stopped the run's writes, if one did: every write after it rethrew it. */
    public Optional<RuntimeException> writeFailure() {
        return repo.writeFailure();
    }

    /** Stops background work, flushes, releases the stage lock and closes the store. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        leaseKeeper.shutdownNow();
        pool.shutdown();
        try {
            repo.flush();
            repo.saveIndex();
        } finally {
            try {
                if (lease != null) {
                    lease.release();
                }
            } finally {
                repo.log().ifPresent(run.alchemy.engine.internal.log.StageLog::close);
                repo.store().close();
            }
        }
    }

}

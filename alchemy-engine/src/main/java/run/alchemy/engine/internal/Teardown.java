package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.Action;
import run.alchemy.api.DestroyStrategy;
import run.alchemy.api.Operation;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.state.StateRepository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * What a run deletes, as Alchemy 0.94 does (spec §7): the old copies of replaced resources queued
 * in a scope's record, orphans (records no longer declared), and in phase DESTROY the whole stage,
 * each scope's records in reverse order of creation, each resource's children before its record.
 */
final class Teardown {
    private final Engine engine;
    private final StateRepository repo;
    private final ProviderRegistry providers;
    private final ForkJoinPool pool;

    Teardown(Engine engine, StateRepository repo, ProviderRegistry providers, ForkJoinPool pool) {
        this.engine = engine;
        this.repo = repo;
        this.providers = providers;
        this.pool = pool;
    }

    /** Deletes the old copies of replaced resources queued in the scope's record. */
    void drainPendingDeletions(ScopeImpl scope) {
        if (!repo.bytes(scope.ownerChain(), scope.ownerId()).map(Records::mayQueueDeletions).orElse(false)) {
            return; // most records queue none: not parsed for it
        }
        Optional<ObjectNode> owner = repo.read(scope.ownerChain(), scope.ownerId(), scope.ownerCodec);
        JsonNode pending = owner.map(r -> r.path("data").path("pendingDeletions")).orElse(null);
        if (pending == null || !pending.isArray() || pending.isEmpty()) {
            return;
        }
        int done = 0;
        try {
            for (JsonNode entry : pending) {
                JsonNode resource = entry.path("resource");
                String kind = resource.path(Records.KIND).asText();
                String id = resource.path(Records.ID).asText();
                String fqn = resource.path(Records.FQN).asText(StateRepository.fqn(scope.chain(), id));
                deleteWithProvider(providers.require(kind, fqn), id, fqn, entry.get("oldProps"), resource, scope);
                done++;
            }
        } finally {
            int processed = done;
            if (processed > 0) {
                repo.update(scope.ownerChain(), scope.ownerId(), scope.ownerCodec, Type.UPDATED, rec -> {
                    if (rec == null) {
                        return null;
                    }
                    ArrayNode list = (ArrayNode) rec.path("data").path("pendingDeletions");
                    for (int i = 0; i < processed && !list.isEmpty(); i++) {
                        list.remove(0);
                    }
                    return rec;
                });
            }
        }
    }

    /** Phase DESTROY: pending deletions, every record of the stage, then the stage record and directory. */
    void destroyStage(ScopeImpl stage) {
        drainPendingDeletions(stage);
        destroyContents(stage.chain(), DestroyStrategy.SEQUENTIAL, stage.codec);
        repo.delete(stage.ownerChain(), stage.ownerId(), Records.SCOPE_KIND);
        repo.deleteScope(stage.chain());
    }

    private void destroyContents(List<String> chain, DestroyStrategy strategy, SecretCodec codec) {
        List<String> ids = repo.list(chain);
        if (!ids.isEmpty()) {
            destroyRecords(chain, repo.readBatch(chain, ids, codec), strategy, codec);
        }
    }

    /**
     * Destroys the records, the last created first (Alchemy's order): for each, the provider's
     * delete, then the records of its own scope, then its record.
     */
    void destroyRecords(List<String> chain, Map<String, ObjectNode> records, DestroyStrategy strategy,
                        SecretCodec codec) {
        List<Map.Entry<String, ObjectNode>> ordered = new ArrayList<>(records.entrySet());
        ordered.sort(Comparator.comparingDouble((Map.Entry<String, ObjectNode> e) -> Records.destroySeq(e.getValue()))
                .reversed());
        if (strategy == DestroyStrategy.PARALLEL && ordered.size() > 1) {
            CompletableFuture.allOf(ordered.stream()
                    .map(e -> CompletableFuture.runAsync(() -> destroyRecord(chain, e.getKey(), e.getValue(), codec), pool))
                    .toArray(CompletableFuture[]::new)).join();
            return;
        }
        for (Map.Entry<String, ObjectNode> e : ordered) {
            destroyRecord(chain, e.getKey(), e.getValue(), codec);
        }
    }

    private void destroyRecord(List<String> chain, String id, ObjectNode record, SecretCodec codec) {
        String location = repo.locate(chain, id);
        String kind = Records.text(record, "kind", location);
        List<String> own = StateRepository.child(chain, id);
        String fqn = StateRepository.fqn(chain, id);
        DestroyStrategy strategy = DestroyStrategy.SEQUENTIAL;
        if (!Records.SCOPE_KIND.equals(kind)) {
            ResourceProvider<?, ?> provider = providers.require(kind, fqn);
            deleteWithProvider(provider, id, fqn, record.get("props"), record.get("output"),
                    new ScopeImpl(engine, own, ScopeImpl.Type.RESOURCE, codec, codec));
            strategy = provider.destroyStrategy();
        }
        destroyContents(own, strategy, codec);
        repo.delete(chain, id, kind);
        repo.deleteScope(own);
        engine.report(chain, id, kind, Action.DELETED);
    }

    private <P, O> void deleteWithProvider(ResourceProvider<P, O> provider, String id, String fqn, JsonNode props,
                                           JsonNode output, ScopeImpl own) {
        P p = engine.typed(props, provider.propsType(), fqn, "props");
        O o = engine.typed(output, provider.outputType(), fqn, "output");
        engine.call(fqn, Operation.DELETE, () -> {
            provider.delete(new ResourceContext<>(id, fqn, Operation.DELETE, p, o, false, own), p, o);
            return null;
        });
    }
}

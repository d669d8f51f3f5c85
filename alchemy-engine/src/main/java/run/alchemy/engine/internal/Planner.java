package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import run.alchemy.api.Action;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.ResourceProvider;
import run.alchemy.engine.Address;
import run.alchemy.engine.Change;
import run.alchemy.engine.Plan;
import run.alchemy.engine.internal.secrets.SecretCodec;
import run.alchemy.engine.internal.state.StateRepository;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A deploy that decides and does nothing: for each declared resource the action a deploy would
 * take, by the same rule (spec §3.4: create without state, skip with equal props, update
 * otherwise), and the records no longer declared, which a deploy would delete. No provider is
 * called and nothing is written; a resource's own children are not known, since only its
 * provider declares them.
 */
final class Planner {
    private final StateSerde serde;
    private final StateRepository repo;
    private final boolean force;
    private final ConcurrentLinkedQueue<Plan.Step> steps = new ConcurrentLinkedQueue<>();

    Planner(StateSerde serde, StateRepository repo, boolean force) {
        this.serde = serde;
        this.repo = repo;
        this.force = force;
    }

    /**
     * The step for one declaration; returns what a deploy's {@code apply} would: the stored output
     * when the resource is skipped or updated (an update may change it), null when it would be created.
     */
    <P, O> JsonNode apply(List<String> chain, String id, ResourceProvider<P, O> provider, P props,
                          ApplyOptions options, Optional<ObjectNode> stored) {
        Address address = new Address(chain, id);
        String fqn = StateRepository.fqn(chain, id);
        JsonNode newProps = serde.toTree(props);
        if (stored.isEmpty()) {
            steps.add(new Plan.Step(address, provider.kind(), Action.CREATED, List.of()));
            return null;
        }
        ObjectNode record = stored.get();
        JsonNode oldProps = record.get("props");
        boolean settled = Records.status(record, () -> repo.locate(chain, id)).isSettled();
        List<Change> changes = new ArrayList<>();
        compare(address, fqn, "/props", oldProps, newProps, changes);
        boolean update = !settled || force || options.alwaysUpdate() || provider.alwaysUpdate()
                || !serde.sameCanonical(oldProps, newProps, fqn);
        steps.add(new Plan.Step(address, provider.kind(), update ? Action.UPDATED : Action.SKIPPED, changes));
        return record.get("output");
    }

    /** Adds a delete step for every record of {@code scope} and its named scopes that was not declared. */
    void finish(ScopeImpl scope) {
        if (scope.failed) {
            return;
        }
        for (String id : repo.list(scope.chain())) {
            String kind = scope.declared.get(id);
            if (kind == null) {
                deleteWithContents(scope.chain(), id, scope.codec);
            }
        }
        for (ScopeImpl child : scope.children) {
            finish(child);
        }
    }

    private void deleteWithContents(List<String> chain, String id, SecretCodec codec) {
        String kind = repo.read(chain, id, codec).map(r -> r.path("kind").asText("")).orElse("");
        steps.add(new Plan.Step(new Address(chain, id), kind, Action.DELETED, List.of()));
        List<String> own = StateRepository.child(chain, id);
        for (String child : repo.list(own)) {
            deleteWithContents(own, child, codec);
        }
    }

    Plan plan() {
        return new Plan(List.copyOf(steps));
    }

    /**
     * The JSON pointers where {@code before} and {@code after} differ, by Alchemy's equality (a
     * secret differs only when its plaintext does, and is never shown).
     */
    private void compare(Address a, String fqn, String pointer, JsonNode before, JsonNode after, List<Change> out) {
        if (before == null && after == null) {
            return;
        }
        boolean secret = isSecret(before) || isSecret(after);
        if (before == null || after == null) {
            out.add(new Change(a, pointer, before == null ? Change.Kind.ADDED : Change.Kind.REMOVED, secret,
                    secret || before == null ? null : before.toString(), secret || after == null ? null : after.toString()));
            return;
        }
        if (serde.sameCanonical(before, after, fqn)) {
            return;
        }
        if (secret) {
            out.add(new Change(a, pointer, Change.Kind.CHANGED, true, null, null));
        } else if (before.isObject() && after.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            before.fieldNames().forEachRemaining(keys::add);
            after.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                compare(a, fqn, pointer + "/" + k.replace("~", "~0").replace("/", "~1"), before.get(k), after.get(k), out);
            }
        } else if (before.isArray() && after.isArray() && before.size() == after.size()) {
            for (int i = 0; i < before.size(); i++) {
                compare(a, fqn, pointer + "/" + i, before.get(i), after.get(i), out);
            }
        } else {
            out.add(new Change(a, pointer, Change.Kind.CHANGED, false, before.toString(), after.toString()));
        }
    }

    private static boolean isSecret(JsonNode n) {
        return n instanceof POJONode;
    }
}

package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Scope;
import run.alchemy.api.ScopeOptions;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A scope of one run: what was declared in it, its seq counter, and whether something in it failed. */
public final class ScopeImpl implements Scope {

    /** The stage, a named scope ({@code scope(name, …)}), or a resource's own scope. */
    enum Type { STAGE, NAMED, RESOURCE }

    private final Engine engine;
    private final List<String> chain;
    /** The chain as messages name it. */
    private final String path;
    private final Type type;
    /** Opens and seals the secrets of records in this scope. */
    final SecretCodec codec;
    /** The codec of the scope holding this scope's own record (the parent's). */
    final SecretCodec ownerCodec;
    private final AtomicInteger seq = new AtomicInteger();
    final Map<String, String> declared = new ConcurrentHashMap<>();
    /** The ids declared here by their {@link Ids#fold}: two that fold alike would share a file on macOS. */
    private final Map<String, String> foldedIds = new ConcurrentHashMap<>();
    /** Child scopes in declaration order (a queue: a copy-on-write list made declaring N resources O(N²)). */
    final Queue<ScopeImpl> children = new ConcurrentLinkedQueue<>();
    volatile boolean failed;
    /** A child resource was applied (not skipped) or a child scope ran: forbids a plain replace. */
    volatile boolean appliedAnything;
    /** Orphans already cleaned by the non-forced finalize that follows a provider call. */
    volatile boolean orphansDone;

    ScopeImpl(Engine engine, List<String> chain, Type type, SecretCodec codec, SecretCodec ownerCodec) {
        this.engine = engine;
        this.chain = List.copyOf(chain);
        this.path = String.join("/", this.chain);
        this.type = type;
        this.codec = codec;
        this.ownerCodec = ownerCodec;
    }

    @Override
    public String app() {
        return chain.get(0);
    }

    @Override
    public String stage() {
        return chain.get(1);
    }

    @Override
    public List<String> chain() {
        return chain;
    }

    @Override
    public Phase phase() {
        return engine.phase();
    }

    Type type() {
        return type;
    }

    /** The chain of the scope holding this scope's own record, and the record's id. */
    List<String> ownerChain() {
        return chain.subList(0, chain.size() - 1);
    }

    String ownerId() {
        return chain.get(chain.size() - 1);
    }

    int nextSeq() {
        return seq.getAndIncrement();
    }

    @Override
    public <P, O> O apply(String id, ResourceProvider<P, O> provider, P props, ApplyOptions options) {
        int s = declare(id, provider.kind());
        try {
            return engine.apply(this, id, s, provider, props, options);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public <P, O> CompletableFuture<O> applyAsync(String id, ResourceProvider<P, O> provider, P props,
                                                  ApplyOptions options) {
        int s = declare(id, provider.kind());
        return engine.submit(() -> {
            try {
                return engine.apply(this, id, s, provider, props, options);
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        });
    }

    @Override
    public Scope scope(String name, ScopeOptions options, Consumer<Scope> body) {
        int s = declare(name, Records.SCOPE_KIND);
        SecretCodec childCodec = options.password() == null ? codec : engine.codecFor(options.password());
        ScopeImpl child = new ScopeImpl(engine, StateRepository.child(chain, name), Type.NAMED, childCodec, codec);
        try {
            if (engine.phase() == Phase.UP && !engine.planning()) {
                engine.repository().update(chain, name, codec, run.alchemy.api.event.ResourceEvent.Type.CREATED,
                        existing -> {
                    if (existing == null) {
                        return Records.runScope(name, s);
                    }
                    if (!Records.SCOPE_KIND.equals(existing.path("kind").asText())) {
                        throw new ConfigurationException("cannot open scope \"" + name + "\" in "
                                + path + ": a resource of kind "
                                + existing.path("kind").asText() + " already has that id");
                    }
                    return null;
                });
            }
            children.add(child);
            appliedAnything = true;
            body.accept(child);
        } catch (RuntimeException e) {
            child.failed = true;
            failed = true;
            throw e;
        }
        return child;
    }

    /** Registers a declaration and returns its seq; the same id twice needs the same kind. */
    private int declare(String id, String kind) {
        Ids.check(id, path);
        String alike = foldedIds.putIfAbsent(Ids.fold(id), id);
        if (alike != null && !alike.equals(id)) {
            throw new InvalidIdException(id, path, "differs from \"" + alike + "\", declared in"
                    + " the same scope, only in case: on a case-insensitive file system (macOS, Windows) both are one file");
        }
        String previous = declared.putIfAbsent(id, kind);
        if (previous != null && !previous.equals(kind)) {
            throw new ConfigurationException("\"" + id + "\" is declared twice in " + path
                    + " with different kinds (" + previous + " and " + kind + ")");
        }
        return nextSeq();
    }

    ScopeImpl resourceScope(String id) {
        ScopeImpl child = new ScopeImpl(engine, StateRepository.child(chain, id), Type.RESOURCE, codec, codec);
        children.add(child);
        return child;
    }

    /** Makes the stage's own record, which Alchemy creates the first time the stage stores data. */
    ObjectNode synthesizeOwnRecord() {
        if (type != Type.STAGE) {
            throw new AlchemyException("the record of scope " + path + " is missing");
        }
        int recordSeq = nextSeq();
        return Records.stage(stage(), path, recordSeq, nextSeq());
    }

    @Override
    public String toString() {
        return "Scope(" + path + ")";
    }
}

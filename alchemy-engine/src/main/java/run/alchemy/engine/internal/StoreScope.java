package run.alchemy.engine.internal;

import run.alchemy.api.AlchemyException;
import run.alchemy.api.ApplyOptions;
import run.alchemy.api.Phase;
import run.alchemy.api.ResourceProvider;
import run.alchemy.api.Scope;
import run.alchemy.api.ScopeOptions;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The stage as seen by a store factory: names only. */
record StoreScope(String app, String stage, Phase phase) implements Scope {
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

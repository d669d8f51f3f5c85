package run.alchemy.engine.internal;

import run.alchemy.api.Context;
import run.alchemy.api.LifecyclePhase;
import run.alchemy.api.Scope;

/** What a provider call sees. */
record ResourceContext<P, O>(String id, String fqn, LifecyclePhase phase, P oldProps, O output,
                             boolean isReplacement, Scope scope) implements Context<P, O> {

    @Override
    public O replace(boolean force) {
        if (phase != LifecyclePhase.UPDATE) {
            throw new IllegalStateException("replace() of " + fqn + " is only allowed during update, not "
                    + phase.name().toLowerCase());
        }
        throw new ReplaceSignal(force);
    }

    @Override
    public String toString() {
        return "Context(" + fqn + ", " + phase + ")";
    }
}

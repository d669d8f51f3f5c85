package run.alchemy.engine.internal;

import run.alchemy.api.Context;
import run.alchemy.api.Operation;
import run.alchemy.api.Scope;

/** What a provider call sees. */
record ResourceContext<P, O>(String id, String fqn, Operation operation, P oldProps, O output,
                             boolean isReplacement, Scope scope) implements Context<P, O> {

    @Override
    public O replace(boolean force) {
        if (operation != Operation.UPDATE) {
            throw new IllegalStateException("replace() of " + fqn + " is only allowed during update, not "
                    + operation.name().toLowerCase());
        }
        throw new ReplaceSignal(force);
    }

    @Override
    public String toString() {
        return "Context(" + fqn + ", " + operation + ")";
    }
}

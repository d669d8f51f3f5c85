package run.alchemy.api;

/** In {@link Phase#READ}, a declared resource that has no stored state. */
public final class StateNotFoundException extends AlchemyException {
    public StateNotFoundException(String fqn, String location) {
        super("no state for resource " + fqn + " (looked in " + location + "); phase READ only reads"
                + " existing state: deploy it first with phase UP");
    }
}

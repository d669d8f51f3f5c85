package run.alchemy.api;

/** In {@link Phase#READ}, a declared resource that has no stored state. */
public final class StateNotFoundException extends AlchemyException {
    /**
     * A resource without state. The message names the resource and where it was looked for, and
     * says to deploy it first with phase UP.
     *
     * @param fqn      the resource's full name, e.g. {@code my-app/dev/api}
     * @param location where its record would be, as the store's {@code locate} gives it
     */
    public StateNotFoundException(String fqn, String location) {
        super("no state for resource " + fqn + " (looked in " + location + "); phase READ only reads"
                + " existing state: deploy it first with phase UP");
    }
}

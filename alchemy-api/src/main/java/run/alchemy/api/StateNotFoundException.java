package run.alchemy.api;

/**
 * A resource that has no stored state: declared in {@link Phase#READ}, or named to a repair of the
 * state (forget, move) that finds no record there.
 */
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

    /**
     * A resource without state, named to an operation other than a read. The message is
     * {@code no state for resource FQN (looked in LOCATION); DETAIL}.
     *
     * @param fqn      the resource's full name, e.g. {@code my-app/dev/api}
     * @param location where its record would be, as the store's {@code locate} gives it
     * @param detail   what was being done and what to do instead, e.g. the ids nearest to it
     */
    public StateNotFoundException(String fqn, String location, String detail) {
        super("no state for resource " + fqn + " (looked in " + location + "); " + detail);
    }
}

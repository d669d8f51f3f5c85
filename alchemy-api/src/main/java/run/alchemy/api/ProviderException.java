package run.alchemy.api;

/**
 * A provider's create, update or delete threw. After a failed create or update the resource's
 * record keeps its in-progress status ({@code creating}, {@code updating}), so the next run calls
 * the provider again instead of skipping it; after a failed delete the record stays as it was. An
 * {@link AlchemyException} a provider throws reaches the program as it is, not wrapped in this.
 */
public final class ProviderException extends AlchemyException {
    /** The full name of the resource whose provider failed. */
    private final String fqn;
    /** The operation that threw. */
    private final Operation operation;

    /**
     * A provider failure. The message is {@code OPERATION of FQN failed: CAUSE-MESSAGE}, the
     * operation in lower case.
     *
     * @param fqn       the resource's full name, e.g. {@code my-app/dev/api}
     * @param operation the provider operation that threw
     * @param cause     what the provider threw, not null
     */
    public ProviderException(String fqn, Operation operation, Throwable cause) {
        super(operation.name().toLowerCase(java.util.Locale.ROOT) + " of " + fqn + " failed: "
                + cause.getMessage(), cause);
        this.fqn = fqn;
        this.operation = operation;
    }

    /**
     * The resource whose provider failed.
     *
     * @return its full name, e.g. {@code my-app/dev/api}
     */
    public String fqn() {
        return fqn;
    }

    /**
     * The operation that threw.
     *
     * @return create, update or delete
     */
    public Operation operation() {
        return operation;
    }
}

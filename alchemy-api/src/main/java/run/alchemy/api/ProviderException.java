package run.alchemy.api;

/** A provider's create, update or delete threw; the resource keeps its in-progress status. */
public final class ProviderException extends AlchemyException {
    private final String fqn;
    private final Operation operation;

    public ProviderException(String fqn, Operation operation, Throwable cause) {
        super(operation.name().toLowerCase(java.util.Locale.ROOT) + " of " + fqn + " failed: "
                + cause.getMessage(), cause);
        this.fqn = fqn;
        this.operation = operation;
    }

    public String fqn() {
        return fqn;
    }

    public Operation operation() {
        return operation;
    }
}

package run.alchemy.api;

/** A provider's create, update or delete threw; the resource keeps its in-progress status. */
public final class ProviderException extends AlchemyException {
    private final String fqn;
    private final LifecyclePhase phase;

    public ProviderException(String fqn, LifecyclePhase phase, Throwable cause) {
        super(phase.name().toLowerCase(java.util.Locale.ROOT) + " of " + fqn + " failed: "
                + cause.getMessage(), cause);
        this.fqn = fqn;
        this.phase = phase;
    }

    public String fqn() {
        return fqn;
    }

    public LifecyclePhase phase() {
        return phase;
    }
}

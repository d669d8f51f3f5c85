package run.alchemy.api;

/** Which provider operation is running, as Alchemy's {@code this.phase}. */
public enum LifecyclePhase {
    CREATE, UPDATE, DELETE
}

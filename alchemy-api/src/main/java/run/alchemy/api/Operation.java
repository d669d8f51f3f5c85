package run.alchemy.api;

/**
 * Which provider operation is running (Alchemy's {@code this.phase}). Not to be confused with a
 * run's {@link Phase}: a run in {@link Phase#UP} calls create, update and delete operations.
 */
public enum Operation {
    /** {@link ResourceProvider#create}: the resource has no state yet, or is being replaced. */
    CREATE,
    /** {@link ResourceProvider#update}: the resource exists and its props changed (or it always updates). */
    UPDATE,
    /** {@link ResourceProvider#delete}: the resource is no longer declared, or the stage is destroyed. */
    DELETE
}

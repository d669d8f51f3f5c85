package run.alchemy.api;

/**
 * Told what happens to each resource as a run goes; called from the thread that did it, so from
 * several threads at once with {@code applyAsync} or a {@link DestroyStrategy#PARALLEL} destroy:
 * a listener used with them must be thread-safe.
 */
@FunctionalInterface
public interface RunListener {
    /**
     * Sees one resource's outcome, after the state it reports is written (a skip or a read writes
     * nothing). An exception it throws fails the {@code apply} (or the delete) that reported it;
     * the state stays written.
     *
     * @param outcome the resource and what the run did to it
     */
    void onOutcome(Outcome outcome);
}

package run.alchemy.engine;

import java.util.List;

/**
 * What a restore did (or, in a dry run, would do): the records it wrote back as they were and those
 * it removed, and what changed in them.
 *
 * @param position the log position whose state was restored (a point past the head is the head; 0:
 *                 before the first event, the empty stage)
 * @param added    records that did not exist and were written back
 * @param changed  records that existed with other bytes and were written back
 * @param removed  records that did not exist then and were removed
 * @param changes  from the state before the restore to the state after it, as {@link History#diff}
 *                 tells them (JSON pointers; secrets only "changed")
 * @param dryRun   true when nothing was written
 */
public record RestoreReport(long position, int added, int changed, int removed, List<Change> changes, boolean dryRun) {
    /**
     * A report holding an unmodifiable copy of {@code changes}.
     *
     * @param position the log position whose state was restored
     * @param added    records written back that did not exist
     * @param changed  records written back that existed with other bytes
     * @param removed  records removed
     * @param changes  what changed, as {@link History#diff} tells it
     * @param dryRun   true when nothing was written
     */
    public RestoreReport {
        changes = List.copyOf(changes);
    }

    /**
     * Whether the stage already was in that state.
     *
     * @return true when there was nothing to write
     */
    public boolean unchanged() {
        return added + changed + removed == 0;
    }
}

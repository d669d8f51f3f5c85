package run.alchemy.engine;

import java.util.List;

/**
 * Whether the snapshots equal the fold of the log, and for each record that does not, why.
 *
 * @param checked   records in the fold
 * @param projected the log's projection mark: how far the snapshots are known to be written
 * @param head      the log's last position
 * @param findings  the records whose snapshot is not the log's, in address order
 */
public record VerifyReport(int checked, long projected, long head, List<Finding> findings) {
    /**
     * Copies {@code findings}, so that the report is immutable.
     *
     * @param checked   records in the fold
     * @param projected the log's projection mark
     * @param head      the log's last position
     * @param findings  the records whose snapshot is not the log's; copied
     * @throws NullPointerException if {@code findings} or one of its elements is null
     */
    public VerifyReport {
        findings = List.copyOf(findings);
    }

    /** Why a snapshot is not the log's. */
    public enum Kind {
        /**
         * The log holds a change past the projection mark (an interrupted run): the next run that
         * writes (not a {@link run.alchemy.api.Phase#READ} run) or a rebuild projects it.
         */
        BEHIND,
        /**
         * A valid record written, edited or deleted outside the log: a run that writes adopts it
         * when it reads it (an {@code external-change} event); a rebuild restores the log's.
         */
        CHANGED,
        /** The stored bytes are not a state record: a run refuses to read them and never adopts them; a rebuild restores the log's. */
        DAMAGED
    }

    /** How the stored snapshot differs from the log's. */
    public enum Difference {
        /** The log has the record, the store does not. */
        MISSING,
        /** Both have it, with other bytes. */
        DIFFERENT,
        /** The store has it, the log (as of its head) does not. */
        UNTRACKED
    }

    /**
     * One record that is off.
     *
     * @param address    where the record lives
     * @param kind       why its snapshot is not the log's
     * @param difference how the stored snapshot differs from the log's
     * @param pointers   the JSON pointers whose values differ (a secret's as a whole), when both
     *                   sides are valid records; else empty
     * @param problem    for a damaged record, what is wrong with it (naming where it is); else null
     */
    public record Finding(Address address, Kind kind, Difference difference, List<String> pointers, String problem) {
        /**
         * Copies {@code pointers}, so that the finding is immutable.
         *
         * @param address    where the record lives
         * @param kind       why its snapshot is not the log's
         * @param difference how the stored snapshot differs from the log's
         * @param pointers   the JSON pointers whose values differ; copied
         * @param problem    for a damaged record, what is wrong with it; else null
         * @throws NullPointerException if {@code pointers} or one of its elements is null
         */
        public Finding {
            pointers = List.copyOf(pointers);
        }
    }

    /**
     * Whether the snapshots hold exactly what the log says.
     *
     * @return true when there are no findings
     */
    public boolean ok() {
        return findings.isEmpty();
    }

    /**
     * The findings of one kind.
     *
     * @param kind behind, changed or damaged
     * @return those findings, in address order
     */
    public List<Finding> of(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /**
     * The records in the log but not in the store.
     *
     * @return their addresses ({@link Difference#MISSING}), in address order
     */
    public List<Address> missing() {
        return addresses(Difference.MISSING);
    }

    /**
     * The records in both, with other bytes.
     *
     * @return their addresses ({@link Difference#DIFFERENT}), in address order
     */
    public List<Address> different() {
        return addresses(Difference.DIFFERENT);
    }

    /**
     * The records in the store but not in the log.
     *
     * @return their addresses ({@link Difference#UNTRACKED}), in address order
     */
    public List<Address> untracked() {
        return addresses(Difference.UNTRACKED);
    }

    private List<Address> addresses(Difference d) {
        return findings.stream().filter(f -> f.difference() == d).map(Finding::address).toList();
    }
}

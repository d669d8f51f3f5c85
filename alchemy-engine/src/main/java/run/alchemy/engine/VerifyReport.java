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
    public VerifyReport {
        findings = List.copyOf(findings);
    }

    /** Why a snapshot is not the log's. */
    public enum Kind {
        /** The log holds a change past the projection mark (an interrupted run): the next run or a rebuild projects it. */
        BEHIND,
        /** A valid record written, edited or deleted outside the log: a run that reads it adopts it; a rebuild restores the log's. */
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
     * @param pointers the JSON pointers whose values differ, when both sides are valid records
     * @param problem  for a damaged record, what is wrong with it (naming where it is); else null
     */
    public record Finding(Address address, Kind kind, Difference difference, List<String> pointers, String problem) {
        public Finding {
            pointers = List.copyOf(pointers);
        }
    }

    public boolean ok() {
        return findings.isEmpty();
    }

    public List<Finding> of(Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /** In the log but not in the store. */
    public List<Address> missing() {
        return addresses(Difference.MISSING);
    }

    /** In both, with other bytes. */
    public List<Address> different() {
        return addresses(Difference.DIFFERENT);
    }

    /** In the store but not in the log. */
    public List<Address> untracked() {
        return addresses(Difference.UNTRACKED);
    }

    private List<Address> addresses(Difference d) {
        return findings.stream().filter(f -> f.difference() == d).map(Finding::address).toList();
    }
}

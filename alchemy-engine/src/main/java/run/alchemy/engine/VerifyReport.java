package run.alchemy.engine;

import java.util.List;

/**
 * Whether the snapshots equal the fold of the log.
 *
 * @param checked   records in the fold
 * @param missing   in the log but not in the store
 * @param different in both, with other bytes
 * @param untracked in the store but not in the log
 */
public record VerifyReport(int checked, List<Address> missing, List<Address> different, List<Address> untracked) {
    public VerifyReport {
        missing = List.copyOf(missing);
        different = List.copyOf(different);
        untracked = List.copyOf(untracked);
    }

    public boolean ok() {
        return missing.isEmpty() && different.isEmpty() && untracked.isEmpty();
    }
}

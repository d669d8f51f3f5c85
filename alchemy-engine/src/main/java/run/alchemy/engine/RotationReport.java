package run.alchemy.engine;

import java.util.List;

/**
 * What a password rotation did (or, in a dry run, would do).
 *
 * @param recordsScanned every record of the stage that was read with the old password
 * @param rotated        locations of the records re-encrypted under the new password
 * @param secrets        how many secret values they hold
 * @param dryRun         true when nothing was written
 */
public record RotationReport(int recordsScanned, List<String> rotated, int secrets, boolean dryRun) {
    public RotationReport {
        rotated = List.copyOf(rotated);
    }
}

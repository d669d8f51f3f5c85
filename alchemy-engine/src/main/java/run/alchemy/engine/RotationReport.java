package run.alchemy.engine;

import java.util.List;

/**
 * What a password rotation ({@link Stage#rotatePassword}) did (or, in a dry run, would do).
 *
 * @param recordsScanned how many records of the stage were read with the old password (the
 *                       stage's own record and every record below it)
 * @param rotated        where the records re-encrypted under the new password live (the store's
 *                       locations: file paths, object keys), the records that hold secrets
 * @param secrets        how many secret values they hold
 * @param dryRun         true when nothing was written
 */
public record RotationReport(int recordsScanned, List<String> rotated, int secrets, boolean dryRun) {
    /**
     * Copies {@code rotated}, so that the report is immutable.
     *
     * @param recordsScanned how many records were read with the old password
     * @param rotated        where the re-encrypted records live; copied
     * @param secrets        how many secret values they hold
     * @param dryRun         true when nothing was written
     * @throws NullPointerException if {@code rotated} or one of its elements is null
     */
    public RotationReport {
        rotated = List.copyOf(rotated);
    }
}

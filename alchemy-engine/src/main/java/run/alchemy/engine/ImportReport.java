package run.alchemy.engine;

/**
 * What an import ({@link Stage#importRecords}) did.
 *
 * @param added     records the stage did not have
 * @param replaced  records it had with other bytes
 * @param unchanged records it already had byte for byte (nothing was written for them)
 */
public record ImportReport(int added, int replaced, int unchanged) {
}

package run.alchemy.api;

/**
 * Per-resource options of {@code apply}.
 *
 * @param alwaysUpdate run the provider's update even when the props are unchanged
 */
public record ApplyOptions(boolean alwaysUpdate) {
    public static final ApplyOptions DEFAULT = new ApplyOptions(false);

    /** Options that run update on every deploy. */

    public static ApplyOptions forceUpdate() {
        return new ApplyOptions(true);
    }
}

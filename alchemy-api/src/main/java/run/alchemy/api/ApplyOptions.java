package run.alchemy.api;

/**
 * Per-resource options of {@code apply}. An update is forced at one of three levels, each with
 * Alchemy's word for it: one declaration ({@link #ALWAYS_UPDATE}), every resource of a kind
 * ({@link ResourceProvider#alwaysUpdate()}), or every resource of a run (the stage's {@code force}).
 *
 * @param alwaysUpdate run the provider's update even when the props are unchanged (Alchemy's
 *                     {@code alwaysUpdate} resource option)
 */
public record ApplyOptions(boolean alwaysUpdate) {
    /** Update only when the props changed. */
    public static final ApplyOptions DEFAULT = new ApplyOptions(false);

    /** Run the provider's update on every deploy. */
    public static final ApplyOptions ALWAYS_UPDATE = new ApplyOptions(true);
}

package run.alchemy.api;

/** What a run does with the declared resources, as Alchemy's {@code phase} option. */
public enum Phase {
    /** Create, update or skip every declared resource; delete what is no longer declared. */
    UP,
    /**
     * Delete every resource of the stage, in reverse declaration order, when the app is opened;
     * the program then declares nothing ({@code apply} throws {@link IllegalStateException}).
     */
    DESTROY,
    /**
     * Only read stored outputs; fail when a resource has no state ({@link StateNotFoundException}).
     * Nothing is written, no provider is called and no stage lock is taken.
     */
    READ
}

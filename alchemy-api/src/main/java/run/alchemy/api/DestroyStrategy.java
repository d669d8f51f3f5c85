package run.alchemy.api;

/**
 * How a resource's children are destroyed: one at a time in reverse order, or all at once. A
 * provider chooses it with {@link ResourceProvider#destroyStrategy()}; it applies when the
 * resource is deleted, to the children in its own scope.
 */
public enum DestroyStrategy {
    /** One at a time, in reverse declaration order (the default). */
    SEQUENTIAL("sequential"),
    /** All at once: concurrently, on the engine's pool (sized by the run's {@code concurrency}). */
    PARALLEL("parallel");

    private final String wireName;

    DestroyStrategy(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name state records use for it, as Alchemy spells it.
     *
     * @return {@code sequential} or {@code parallel}, the value of the
     *         {@code Symbol(alchemy::DestroyStrategy)} field of a record's output
     */
    public String wireName() {
        return wireName;
    }
}

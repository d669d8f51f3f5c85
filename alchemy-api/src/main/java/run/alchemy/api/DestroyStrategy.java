package run.alchemy.api;

/** How a resource's children are destroyed: one at a time in reverse order, or all at once. */
public enum DestroyStrategy {
    SEQUENTIAL("sequential"),
    PARALLEL("parallel");

    private final String wireName;

    DestroyStrategy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}

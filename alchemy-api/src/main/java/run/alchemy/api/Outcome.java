package run.alchemy.api;

import java.util.List;

/**
 * One resource's outcome in a run, reported to a {@link RunListener}.
 *
 * @param chain  the names of the scope the resource lives in, from the app down, e.g.
 *               {@code [my-app, dev]}; stored as an unmodifiable copy
 * @param id     the resource id within that scope, e.g. {@code api}
 * @param kind   the resource kind, e.g. {@code fs::File}
 * @param action what the run did to it
 */
public record Outcome(List<String> chain, String id, String kind, Action action) {
    /**
     * An outcome; {@code chain} is copied.
     *
     * @param chain  the names of the resource's scope, from the app down
     * @param id     the resource id within that scope
     * @param kind   the resource kind
     * @param action what the run did to it
     * @throws NullPointerException if {@code chain} or one of its names is null
     */
    public Outcome {
        chain = List.copyOf(chain);
    }

    /**
     * Chain and id joined with {@code /}.
     *
     * @return the resource's full name, e.g. {@code my-app/dev/api}
     */
    public String fqn() {
        return String.join("/", chain) + "/" + id;
    }
}

package run.alchemy.api;

import java.util.List;

/**
 * One resource's outcome in a run, reported to a {@link RunListener}.
 *
 * @param chain the scope chain the resource lives in
 * @param id    the resource id
 * @param kind  the resource kind
 * @param action what happened
 */
public record Outcome(List<String> chain, String id, String kind, Action action) {
    public Outcome {
        chain = List.copyOf(chain);
    }

    /** Chain and id joined with {@code /}. */
    public String fqn() {
        return String.join("/", chain) + "/" + id;
    }
}

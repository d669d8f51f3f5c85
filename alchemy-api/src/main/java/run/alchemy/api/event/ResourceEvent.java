package run.alchemy.api.event;

import java.util.List;

/**
 * A resource's record changed. {@link #snapshot()} is the record exactly as projected into the
 * store (Alchemy's JSON, secrets encrypted), or null when the record was removed.
 */
public sealed interface ResourceEvent extends Event
        permits Declared, Creating, Created, Updating, Updated, Replaced, Deleted, ExternalChange, Imported {

    List<String> chain();

    String id();

    String kind();

    String snapshot();

    /** Chain and id joined with {@code /}. */
    default String fqn() {
        return String.join("/", chain()) + "/" + id();
    }
}

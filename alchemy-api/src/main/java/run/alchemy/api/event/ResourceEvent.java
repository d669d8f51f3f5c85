package run.alchemy.api.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A resource's record changed. {@link #snapshot()} is the record exactly as projected into the
 * store (Alchemy's JSON, secrets encrypted), or null when the record was removed.
 *
 * @param position the event's position in the log, from 1
 * @param time     when it was written
 * @param runId    the run that wrote it (null in logs that did not record one)
 * @param type     what happened to the record
 * @param chain    the scope chain of the record ({@code ["my-app","dev"]})
 * @param id       the record's id within its scope
 * @param kind     the resource kind the record names ({@code ""} when it names none)
 * @param snapshot the record's JSON text, or null when the record was removed ({@link Type#DELETED},
 *                 {@link Type#FORGOTTEN}, or an {@link Type#EXTERNAL_CHANGE}, {@link Type#MOVED} or
 *                 {@link Type#RESTORED} that removed it)
 */
public record ResourceEvent(long position, Instant time, String runId, Type type, List<String> chain, String id,
                            String kind, String snapshot) implements Event {

    /** What happened to a resource's record. */
    public enum Type {
        /**
         * The first event of a create: the resource's initial record (status creating, no props yet), written
         * when a new resource is declared. {@link #CREATING} follows, with the props, just before the provider
         * creates it. Logs written before this event existed name both {@code creating}; they read as two
         * {@link #CREATING} events.
         */
        DECLARED,
        /**
         * Written just before the provider creates the resource: the record with its props (status creating).
         * It follows {@link #DECLARED}, the resource's initial record.
         */
        CREATING,
        /** The provider created it (status created). */
        CREATED,
        /** Written before the provider updates it (status updating). */
        UPDATING,
        /** The provider updated it (status updated), or a scope's data changed. */
        UPDATED,
        /** The provider replaced it; the old copy is queued for deletion or already deleted. */
        REPLACED,
        /** The record was removed (snapshot is null). */
        DELETED,
        /**
         * The snapshot was changed outside this log (by hand, or by the TypeScript Alchemy) and adopted as
         * found; snapshot is null when it was removed.
         */
        EXTERNAL_CHANGE,
        /** Existing Alchemy state adopted when the log was started, or records written by an import. */
        IMPORTED,
        /**
         * An operator removed the record from state ({@code Stage.forget}, as Terraform's {@code state rm}); no
         * provider was called and the real resource is left as it is (snapshot is null). A deploy that still
         * declares the resource creates it again.
         */
        FORGOTTEN,
        /**
         * An operator moved the record to another id or scope ({@code Stage.move}, as Terraform's
         * {@code state mv}); no provider was called. A move is two events of this type: one at the old address
         * with a null snapshot, one at the new address with the record as rewritten there (its id and fqn).
         */
        MOVED,
        /**
         * An operator restored the stage to an earlier state ({@code Stage.restore}); no provider was called.
         * The snapshot is the record's bytes as they were then, or null when the record did not exist then.
         */
        RESTORED
    }

    /**
     * Checks the event: {@code time}, {@code type}, {@code chain}, {@code id} and {@code kind} may not
     * be null, and a {@link Type#DELETED} or {@link Type#FORGOTTEN} event has no snapshot.
     *
     * @param position the event's position in the log
     * @param time     when it was written
     * @param runId    the run that wrote it
     * @param type     what happened to the record
     * @param chain    the record's scope chain (copied)
     * @param id       the record's id within its scope
     * @param kind     the resource kind the record names
     * @param snapshot the record's JSON text, or null when it was removed
     * @throws IllegalArgumentException for a {@link Type#DELETED} or {@link Type#FORGOTTEN} event with a snapshot
     */
    public ResourceEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        chain = List.copyOf(chain);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        if ((type == Type.DELETED || type == Type.FORGOTTEN) && snapshot != null) {
            throw new IllegalArgumentException("a " + type + " event has no snapshot: " + String.join("/", chain) + "/" + id);
        }
    }

    /**
     * The resource's fully qualified name.
     *
     * @return chain and id joined with {@code /}, e.g. {@code my-app/dev/api}
     */
    public String fqn() {
        return String.join("/", chain) + "/" + id;
    }
}

package run.alchemy.api.spi;

import run.alchemy.api.AlchemyException;

/**
 * Another writer appended first (or took the lock): this writer's view of the log is stale. A
 * {@link LogStore} throws it from {@link LogStore#append} when the head is not the one the writer
 * expected (or the expected head lies below a {@link LogStore#dropBelow drop}), having appended
 * nothing. The engine also throws it for the stage lease: when a renewal finds the lease held by
 * another run, or other runs changed the lease in every attempt to take, renew or release it.
 */
public final class LogConflictException extends AlchemyException {
    /**
     * A conflict.
     *
     * @param message where and why: the log ({@link LogStore#describe()}), the head found and the
     *                head expected, e.g. {@code the event log DIR is at position 7, not 5: another
     *                run appended first}
     */
    public LogConflictException(String message) {
        super(message);
    }
}

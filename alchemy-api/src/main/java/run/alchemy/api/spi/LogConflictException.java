package run.alchemy.api.spi;

import run.alchemy.api.AlchemyException;

/** Another writer appended first (or took the lock): this writer's view of the log is stale. */
public final class LogConflictException extends AlchemyException {
    public LogConflictException(String message) {
        super(message);
    }
}

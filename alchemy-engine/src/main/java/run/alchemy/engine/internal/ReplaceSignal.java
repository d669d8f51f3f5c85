package run.alchemy.engine.internal;

/** Thrown by {@code ctx.replace()} to unwind the provider's update; caught by the engine. */
final class ReplaceSignal extends RuntimeException {
    final boolean force;

    ReplaceSignal(boolean force) {
        super("replace() must be called from a provider's update and not caught", null, false, false);
        this.force = force;
    }
}

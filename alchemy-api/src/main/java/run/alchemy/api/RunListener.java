package run.alchemy.api;

/** Told what happens to each resource as a run goes; called from the thread that did it. */
@FunctionalInterface
public interface RunListener {
    void onOutcome(Outcome outcome);
}

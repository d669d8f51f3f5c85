package run.alchemy.interop;

import run.alchemy.api.Action;
import run.alchemy.api.Outcome;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a run of the Java engine did: its outcomes (one per resource) and the outputs the program got. */
record JavaRun(List<Outcome> outcomes, Map<String, Object> outputs) {
    Map<String, Action> actions() {
        Map<String, Action> m = new TreeMap<>();
        for (Outcome o : outcomes) {
            Action previous = m.put(o.fqn(), o.action());
            if (previous != null) {
                throw new AssertionError("two outcomes for " + o.fqn() + ": " + previous + ", " + o.action()
                        + " (all: " + outcomes + ")");
            }
        }
        return m;
    }
}

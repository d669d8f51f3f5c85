package run.alchemy.engine;

import run.alchemy.api.ConfigurationException;
import run.alchemy.api.event.Checkpoint;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.log.EventCodec;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.engine.internal.state.StateRepository;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@link Stage#restore}: the state of a point of the log (a fold, as {@link History#stateAt}), compared
 * with the stage's records as a run reads them, and the records that differ written back, or removed,
 * as {@code restored} events. History is never rewritten: the restore is appended to it.
 */
final class Restoration {
    private Restoration() {
    }

    /** The state to restore: the log position it is of, and each record's JSON text then. */
    record Target(long position, Map<Address, String> state) {
    }

    /** One record to write back ({@code bytes}) or to remove ({@code bytes} null); {@code kind} as its record names it. */
    record Step(Address address, String kind, byte[] bytes) {
    }

    /** What a restore writes and reports. */
    record Plan(long position, List<Step> steps, int added, int changed, int removed, List<Change> changes) {
        RestoreReport report(boolean dryRun) {
            return new RestoreReport(position, added, changed, removed, changes, dryRun);
        }

        /**
         * The removals first, each record's children before it, then the records written back, each
         * parent before its children; then the emptied scopes of the removed records, deepest first.
         */
        void write(StateRepository repo) {
            List<Step> removals = steps.stream().filter(s -> s.bytes() == null).collect(Collectors.toList());
            java.util.Collections.reverse(removals);
            for (Step s : removals) {
                repo.repair(Type.RESTORED, s.address().chain(), s.address().id(), s.kind(), null);
            }
            for (Step s : steps) {
                if (s.bytes() != null) {
                    repo.repair(Type.RESTORED, s.address().chain(), s.address().id(), s.kind(), s.bytes());
                }
            }
            for (Step s : removals) {
                repo.deleteScope(StateRepository.child(s.address().chain(), s.address().id()));
            }
        }
    }

    /**
     * The state of the stage at {@code point}, folded from {@code log}. A position past the head is the
     * head; before the first event (0, or a time before it) is the empty stage. Refused: a run the log
     * does not hold, and a point before a compaction's checkpoint (that state is gone).
     */
    static Target target(StageLog log, RestorePoint point, List<String> stage) {
        List<Event> events = new ArrayList<>();
        log.read(0, (position, bytes) -> {
            events.add(EventCodec.decode(position, bytes, log.describe()));
            return true;
        });
        String name = String.join("/", stage);
        long head = events.isEmpty() ? 0 : events.get(events.size() - 1).position();
        long position;
        if (point instanceof RestorePoint.Position p) {
            position = Math.max(0, Math.min(p.position(), head));
        } else if (point instanceof RestorePoint.Time t) {
            position = 0;
            for (Event e : events) {
                if (e.time().isAfter(t.time())) {
                    break;
                }
                position = e.position();
            }
        } else {
            String runId = ((RestorePoint.EndOfRun) point).runId();
            List<Run> runs = History.runs(events);
            position = runs.stream().filter(r -> r.runId().equals(runId)).mapToLong(Run::to).findFirst()
                    .orElseThrow(() -> new ConfigurationException("no run " + runId + " in the log of " + name
                            + (runs.isEmpty() ? " (it holds no runs)" : "; its last runs: " + runs.stream()
                            .skip(Math.max(0, runs.size() - 3)).map(Run::runId).collect(Collectors.joining(", ")))));
        }
        if (!events.isEmpty() && events.get(0) instanceof Checkpoint c && position < c.position()) {
            throw new ConfigurationException("cannot restore " + name + " to position " + position + ": its log was"
                    + " compacted at position " + c.position() + " and the state before that is gone; restore to "
                    + c.position() + " or later");
        }
        Map<Address, String> state = new TreeMap<>();
        for (Event e : events) {
            if (e.position() > position) {
                break;
            }
            History.apply(state, e);
        }
        return new Target(position, state);
    }

    /**
     * What restoring {@code target} changes in the stage as {@code repo} reads it: every record the
     * store holds in the stage and every record of the target, read first (a damaged one refuses the
     * restore before anything is written), and those whose bytes differ from the target's.
     */
    static Plan plan(StateRepository repo, StateSerde serde, List<String> stage, Target target) {
        TreeSet<Address> all = new TreeSet<>(target.state().keySet());
        StateRepository.recordsOfStage(repo.store(), stage)
                .forEach((chain, ids) -> ids.forEach(id -> all.add(new Address(chain, id))));
        Map<Address, String> before = new TreeMap<>();
        Map<Address, String> after = new TreeMap<>();
        List<Step> steps = new ArrayList<>();
        int added = 0;
        int changed = 0;
        int removed = 0;
        for (Address a : all) {
            byte[] now = repo.bytes(a.chain(), a.id()).orElse(null);
            String then = target.state().get(a);
            byte[] thenBytes = then == null ? null : then.getBytes(StandardCharsets.UTF_8);
            if (Arrays.equals(now, thenBytes)) {
                continue;
            }
            String location = repo.locate(a.chain(), a.id());
            String kind = "";
            if (now != null) {
                kind = RecordCheck.check(serde, now, location).path("kind").asText("");
                before.put(a, new String(now, StandardCharsets.UTF_8));
            }
            if (thenBytes != null) {
                kind = RecordCheck.check(serde, thenBytes, location + " (as of log position " + target.position()
                        + ")").path("kind").asText("");
                after.put(a, then);
            }
            steps.add(new Step(a, kind, thenBytes));
            if (now == null) {
                added++;
            } else if (thenBytes == null) {
                removed++;
            } else {
                changed++;
            }
        }
        return new Plan(target.position(), steps, added, changed, removed, History.changes(before, after));
    }
}

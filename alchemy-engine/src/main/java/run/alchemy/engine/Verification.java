package run.alchemy.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.event.Event;
import run.alchemy.api.event.ResourceEvent;
import run.alchemy.engine.internal.log.StageLog;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.VerifyReport.Difference;
import run.alchemy.engine.VerifyReport.Finding;
import run.alchemy.engine.VerifyReport.Kind;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.state.StateRepository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The snapshots of a stage against the fold of its log: which records differ, and why. A record
 * whose last event lies past the projection mark is behind (a run's open, or a rebuild, projects
 * it whatever the store holds); otherwise stored bytes that are no state record are damaged, and a
 * valid record with other bytes, or none, was changed outside the log.
 */
record Verification(Map<Address, String> folded, VerifyReport report) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Verification of(StateStore store, StageLog log, List<String> stage, List<Event> events) {
        Map<Address, String> folded = new TreeMap<>();
        Map<Address, Long> lastChange = new HashMap<>();
        for (Event e : events) {
            History.apply(folded, e);
            if (e instanceof ResourceEvent r) {
                lastChange.put(new Address(r.chain(), r.id()), r.position());
            }
        }
        long projected = log.projected();
        TreeSet<Address> all = new TreeSet<>(folded.keySet());
        StateRepository.recordsOfStage(store, stage).forEach((chain, ids) -> ids.forEach(id -> all.add(new Address(chain, id))));
        lastChange.forEach((a, position) -> {
            if (position > projected) {
                all.add(a); // a deletion still to project
            }
        });
        StateSerde serde = new StateSerde();
        List<Finding> findings = new ArrayList<>();
        for (Address a : all) {
            String want = folded.get(a);
            byte[] have = store.get(a.chain(), a.id()).orElse(null);
            if (want == null ? have == null : have != null && Arrays.equals(have, want.getBytes(StandardCharsets.UTF_8))) {
                continue;
            }
            Difference difference = want == null ? Difference.UNTRACKED : have == null ? Difference.MISSING : Difference.DIFFERENT;
            String problem = have == null ? null : problem(serde, have, store.locate(a.chain(), a.id()));
            Kind kind = lastChange.getOrDefault(a, 0L) > projected ? Kind.BEHIND
                    : problem != null ? Kind.DAMAGED : Kind.CHANGED;
            List<String> pointers = want == null || have == null || problem != null ? List.of() : pointers(a, want, have);
            findings.add(new Finding(a, kind, difference, pointers, problem));
        }
        return new Verification(folded, new VerifyReport(folded.size(), projected, log.head(), findings));
    }

    private static String problem(StateSerde serde, byte[] bytes, String location) {
        try {
            RecordCheck.check(serde, bytes, location);
            return null;
        } catch (StateCorruptedException e) {
            return e.getMessage();
        }
    }

    /** The JSON pointers whose values differ (a secret's only as a whole: its ciphertext is no one's business). */
    private static List<String> pointers(Address a, String want, byte[] have) {
        List<Change> changes = new ArrayList<>();
        try {
            History.compare(a, "", JSON.readTree(want), JSON.readTree(have), changes);
        } catch (IOException e) {
            return List.of(); // the log's own copy is no JSON (adopted before damage was refused)
        }
        return changes.stream().map(Change::pointer).toList();
    }
}

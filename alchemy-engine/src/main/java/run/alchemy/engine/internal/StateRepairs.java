package run.alchemy.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.InvalidIdException;
import run.alchemy.api.StateCorruptedException;
import run.alchemy.api.StateNotFoundException;
import run.alchemy.api.event.ResourceEvent.Type;
import run.alchemy.engine.Address;
import run.alchemy.engine.internal.json.JsonWriter;
import run.alchemy.engine.internal.state.StateRepository;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The operator's repairs of a stage's state that name records ({@code forget}, {@code move}): each is
 * planned first, every record it touches read and every refusal thrown before anything is written,
 * then written through the repository as events of its own type. No provider is called: the real
 * resources are not touched.
 */
public final class StateRepairs {
    /** How many ids an error names as the nearest to one that is not there. */
    private static final int NEAR = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateRepairs() {
    }

    /** A record a forget removes: where it is and the kind its record names ({@code ""} when damaged). */
    public record Forgotten(Address address, String kind) {
    }

    /** A record a move rewrites: its old address, its new one, its kind, and its bytes as written there. */
    public record Moved(Address from, Address to, String kind, byte[] bytes) {
    }

    // ------------------------------------------------------------------ forget

    /**
     * The records {@code forget(addresses, recursive)} removes, children before their parent, each
     * once. Refuses, before anything is written, an address outside the stage or the stage's own
     * record, one with no record ({@link StateNotFoundException} naming the nearest ids), and, unless
     * {@code recursive}, one with records under it ({@link ConfigurationException} naming how many).
     */
    public static List<Forgotten> planForget(StateRepository repo, List<String> stage, List<Address> addresses,
                                             boolean recursive) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        Map<Address, String> kinds = new LinkedHashMap<>();
        for (Address a : addresses) {
            inStage(a, stage, "forget");
            kinds.put(a, kindOf(repo, a).orElseThrow(() -> notFound(repo, a, "nothing to forget")));
        }
        LinkedHashSet<Address> seen = new LinkedHashSet<>();
        List<Forgotten> out = new ArrayList<>();
        for (Address a : kinds.keySet()) {
            List<Address> under = new ArrayList<>();
            under(repo, a, under);
            if (!under.isEmpty() && !recursive) {
                throw new ConfigurationException("cannot forget " + a.fqn() + ": it has " + under.size()
                        + (under.size() == 1 ? " record" : " records") + " under it (" + names(under)
                        + "); forget them first, or forget it recursively to forget them too");
            }
            for (Address child : under) {
                if (seen.add(child)) {
                    out.add(new Forgotten(child, kindOf(repo, child).orElse("")));
                }
            }
            if (seen.add(a)) {
                out.add(new Forgotten(a, kinds.get(a)));
            }
        }
        return out;
    }

    /** Removes what {@link #planForget} found, as {@code forgotten} events, and then their emptied scopes. */
    public static void forget(StateRepository repo, List<Forgotten> plan) {
        for (Forgotten f : plan) {
            repo.repair(Type.FORGOTTEN, f.address().chain(), f.address().id(), f.kind(), null);
        }
        for (Forgotten f : plan) {
            repo.deleteScope(StateRepository.child(f.address().chain(), f.address().id()));
        }
    }

    // ------------------------------------------------------------------ move

    /**
     * The records {@code move(from, to)} rewrites: the record at {@code from} (to {@code to}) and every
     * record under it (to the same place under {@code to}), parents first, with their new bytes: the
     * record's {@code id} and {@code fqn} and the output's {@code Symbol(alchemy::ResourceID)} and
     * {@code Symbol(alchemy::ResourceFQN)} (spec §2.1, §2.4) name the new address, everything else
     * (seq, status, props, output, data, secrets' envelopes, key order) is kept. Refuses, before anything
     * is written: an address outside the stage, a {@code from} with no record, a {@code to} that exists,
     * that is under {@code from}, or whose scope has no record (unless it is the stage), and a record
     * under {@code from} whose new address is taken.
     */
    public static List<Moved> planMove(StateRepository repo, StateSerde serde, List<String> stage, Address from,
                                       Address to) {
        inStage(from, stage, "move");
        inStage(to, stage, "move to");
        String where = "the new address " + to.fqn();
        for (String element : to.chain().subList(stage.size(), to.chain().size())) {
            Ids.check(element, where);
        }
        Ids.check(to.id(), where);
        if (kindOf(repo, from).isEmpty()) {
            throw notFound(repo, from, "nothing to move");
        }
        List<String> fromOwn = StateRepository.child(from.chain(), from.id());
        if (startsWith(to.chain(), fromOwn)) {
            throw new ConfigurationException("cannot move " + from.fqn() + " to " + to.fqn()
                    + ": the new address is under the record itself");
        }
        if (exists(repo, to)) {
            throw new ConfigurationException("cannot move " + from.fqn() + " to " + to.fqn()
                    + ": a record is already there; forget or move it first");
        }
        if (to.chain().size() > stage.size()) {
            List<String> scope = to.chain();
            Address owner = new Address(scope.subList(0, scope.size() - 1), scope.get(scope.size() - 1));
            if (!exists(repo, owner)) {
                throw new ConfigurationException("cannot move " + from.fqn() + " to " + to.fqn() + ": its scope "
                        + owner.fqn() + " has no record (move it into the stage " + String.join("/", stage)
                        + ", or into a scope or resource that exists)");
            }
        }
        List<Address> records = new ArrayList<>();
        records.add(from);
        List<Address> under = new ArrayList<>();
        under(repo, from, under);
        under.sort(Comparator.naturalOrder()); // parents first
        records.addAll(under);
        List<String> toOwn = StateRepository.child(to.chain(), to.id());
        List<Moved> out = new ArrayList<>();
        for (Address a : records) {
            Address target = a.equals(from) ? to
                    : new Address(concat(toOwn, a.chain().subList(fromOwn.size(), a.chain().size())), a.id());
            if (!a.equals(from) && exists(repo, target)) {
                throw new ConfigurationException("cannot move " + from.fqn() + " to " + to.fqn() + ": "
                        + a.fqn() + " under it would move to " + target.fqn() + ", where a record already is");
            }
            String location = repo.locate(a.chain(), a.id());
            byte[] bytes = repo.bytes(a.chain(), a.id()).orElseThrow(() -> new StateNotFoundException(a.fqn(),
                    location, "it was listed under " + from.fqn() + " but cannot be read"));
            ObjectNode record = RecordCheck.check(serde, bytes, location); // damage is refused, naming the file
            ObjectNode raw = serde.parseRecord(bytes);
            Records.rename(raw, target.id(), target.fqn());
            byte[] moved = JsonWriter.pretty(raw, (secret, pointer) -> {
                throw new IllegalStateException("a stored record holds no secret objects: " + pointer);
            }).getBytes(StandardCharsets.UTF_8);
            out.add(new Moved(a, target, record.path("kind").asText(""), moved));
        }
        return out;
    }

    /**
     * Writes what {@link #planMove} found: for each record, a {@code moved} event at its old address
     * (removing it) and one at its new address (with its new bytes); then the emptied scopes of the old
     * places are removed, deepest first.
     */
    public static void move(StateRepository repo, List<Moved> plan) {
        for (Moved m : plan) {
            repo.repair(Type.MOVED, m.from().chain(), m.from().id(), m.kind(), null);
            repo.repair(Type.MOVED, m.to().chain(), m.to().id(), m.kind(), m.bytes());
        }
        for (int i = plan.size() - 1; i >= 0; i--) {
            Address old = plan.get(i).from();
            repo.deleteScope(StateRepository.child(old.chain(), old.id()));
        }
    }

    // ------------------------------------------------------------------ shared

    /** Every record under {@code a} (in its own scope, and theirs), each record's children before it. */
    private static void under(StateRepository repo, Address a, List<Address> out) {
        List<String> own = StateRepository.child(a.chain(), a.id());
        for (String id : repo.list(own)) {
            Address child = new Address(own, id);
            under(repo, child, out);
            out.add(child);
        }
    }

    /**
     * The kind the record names, {@code ""} when its bytes are damaged (a forget may drop a damaged
     * record), or empty when there is no record.
     */
    private static Optional<String> kindOf(StateRepository repo, Address a) {
        try {
            return repo.bytes(a.chain(), a.id()).map(StateRepairs::kind);
        } catch (StateCorruptedException e) {
            return Optional.of("");
        }
    }

    private static String kind(byte[] bytes) {
        try {
            return JSON.readTree(bytes).path("kind").asText("");
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean exists(StateRepository repo, Address a) {
        return kindOf(repo, a).isPresent();
    }

    /** Refuses an address outside the stage's scope, and the stage's own record. */
    private static void inStage(Address a, List<String> stage, String verb) {
        if (a.chain().equals(stage.subList(0, stage.size() - 1)) && a.id().equals(stage.get(stage.size() - 1))) {
            throw new InvalidIdException(a.fqn(), "the address to " + verb, "is the stage's own record, not a"
                    + " record in the stage");
        }
        if (!startsWith(a.chain(), stage)) {
            throw new InvalidIdException(a.fqn(), "the address to " + verb, "is not in the stage "
                    + String.join("/", stage) + " (its chain must start with " + stage + ")");
        }
    }

    private static boolean startsWith(List<String> chain, List<String> prefix) {
        return chain.size() >= prefix.size() && chain.subList(0, prefix.size()).equals(prefix);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /** A record that is not there, with the ids of its scope nearest to its own. */
    private static StateNotFoundException notFound(StateRepository repo, Address a, String what) {
        List<String> ids = repo.list(a.chain());
        String scope = String.join("/", a.chain());
        List<String> near = nearest(a.id(), ids);
        String detail = what + "; " + (ids.isEmpty() ? scope + " holds no records"
                : near.isEmpty() ? "none of the " + ids.size() + " ids in " + scope + " is near \"" + a.id() + "\""
                : "the nearest ids in " + scope + ": " + String.join(", ", near));
        return new StateNotFoundException(a.fqn(), repo.locate(a.chain(), a.id()), detail);
    }

    /** Up to {@value #NEAR} ids within a few edits of {@code id} (or, 3 characters or more, containing it or in it), nearest first. */
    static List<String> nearest(String id, List<String> ids) {
        int limit = Math.max(2, id.length() / 3);
        return ids.stream()
                .map(k -> Map.entry(k, Math.min(k.length(), id.length()) >= 3 && (k.contains(id) || id.contains(k))
                        ? 0 : distance(id, k)))
                .filter(e -> e.getValue() <= limit)
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(NEAR).map(Map.Entry::getKey).toList();
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The first few fqns of a list, for messages. */
    private static String names(List<Address> addresses) {
        String shown = addresses.stream().limit(NEAR).map(Address::fqn).collect(Collectors.joining(", "));
        return addresses.size() > NEAR ? shown + ", …" : shown;
    }
}

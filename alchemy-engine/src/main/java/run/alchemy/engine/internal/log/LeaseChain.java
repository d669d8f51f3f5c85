package run.alchemy.engine.internal.log;

import run.alchemy.api.StoreException;
import run.alchemy.api.spi.LockHolder;
import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The stage lease as a chain of generations, control objects {@code lock/<generation, 20 digits>}
 * made only with create-if-absent. Only the newest generation counts: it names a holder and when
 * its lease runs out, or says the lock is free. Taking, renewing and releasing each create the
 * next generation from the one they read, so of two that act on the same generation (two takers
 * of an expired lease; a renewal racing a release or a takeover) exactly one wins and the other
 * reads again: no check-then-act, and nothing needs a conditional overwrite. A release deletes
 * superseded generations, so a writer that read the chain long ago can create one of those again;
 * a generation counts as made only if none newer exists after its create (see {@link #advance}).
 *
 * <p>Takeover: a generation whose lease ran out by the clock, or whose holder ran on this host in
 * a process that is gone, is taken over by creating the next generation. A damaged generation
 * (bytes that are not a lease: a foreign or corrupted object, since a holder creates its
 * generation whole) counts as expired: it is reported by {@link #holder()} with its bytes, taken
 * over by the next {@link #tryLock} (with a warning naming it) and released by
 * {@link #unlock(String)} given its name as the lock id.
 */
final class LeaseChain {
    static final String PREFIX = "lock/";
    private static final System.Logger LOG = System.getLogger("run.alchemy.engine");
    private static final String MAGIC = "alchemy-java-lease 1";
    /** Rounds lost to other writers before giving up; each lost round means another made progress. */
    static final int ATTEMPTS = 20;
    /** Superseded generations a release leaves before it deletes them (a few runs' worth). */
    private static final int STALE_GENERATIONS = 8;

    private final LogStore store;
    private final InstantSource clock;

    LeaseChain(LogStore store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** One generation: its holder, or null when it says the lock is free. */
    private record Generation(long number, String name, LockHolder holder) {
        boolean heldBy(String lockId) {
            return holder != null && holder.lockId().equals(lockId);
        }
    }

    Optional<LockHolder> tryLock(LockHolder me, Duration lease) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<String> names = new ArrayList<>();
            Generation top = top(names);
            if (top != null && top.holder != null && !top.heldBy(me.lockId()) && !takeable(top.holder)) {
                return Optional.of(top.holder);
            }
            if (top != null && top.holder != null && top.holder.isDamaged()) {
                LOG.log(System.Logger.Level.WARNING, "taking over " + top.holder.describe());
            }
            if (advance(top, names, me.renewedUntil(clock.instant().plus(lease)))) {
                return Optional.empty();
            }
        }
        // Every round, another writer created the next generation first: report who holds it now.
        Generation top = top(new ArrayList<>());
        if (top != null && top.holder != null && !top.heldBy(me.lockId())) {
            return Optional.of(top.holder);
        }
        throw new LogConflictException("could not take the lock of " + store.describe() + " in " + ATTEMPTS
                + " attempts: other runs keep taking and releasing it");
    }

    private boolean takeable(LockHolder h) {
        return h.expiredAt(clock.instant()) || h.goneFromThisHost();
    }

    void renew(LockHolder me, Duration lease) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<String> names = new ArrayList<>();
            Generation top = top(names);
            if (top == null || !top.heldBy(me.lockId())) {
                throw new LogConflictException("the lock of " + store.describe() + " is no longer held by lock id "
                        + me.lockId() + (top != null && top.holder != null ? "; now held by " + top.holder.describe()
                        : ""));
            }
            if (advance(top, names, top.holder.renewedUntil(clock.instant().plus(lease)))) {
                return;
            }
        }
        throw new LogConflictException("could not renew the lock of " + store.describe() + " in " + ATTEMPTS
                + " attempts");
    }

    boolean unlock(String lockId) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<String> names = new ArrayList<>();
            Generation top = top(names);
            if (top == null || !top.heldBy(lockId)) {
                return false;
            }
            if (advance(top, names, null)) {
                return true;
            }
        }
        throw new LogConflictException("could not release the lock of " + store.describe() + " in " + ATTEMPTS
                + " attempts");
    }

    /**
     * The holder that {@link #tryLock} would find and not take over now, from control objects read
     * together (a {@link LogStore#view}); empty when the lock is free, was never taken, or is takeable.
     */
    Optional<LockHolder> blockingHolder(Map<String, LogStore.Control> controls) {
        String newest = null;
        for (String name : controls.keySet()) {
            if (generationOf(name) > 0 && (newest == null || name.compareTo(newest) > 0)) {
                newest = name;
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        LockHolder holder = decode(newest, controls.get(newest).bytes());
        return holder == null || holder.isDamaged() || takeable(holder) ? Optional.empty() : Optional.of(holder);
    }

    Optional<LockHolder> holder() {
        return Optional.ofNullable(top(new ArrayList<>())).map(Generation::holder);
    }

    /** The newest generation (null: the lock was never taken); {@code names} gets every generation's name. */
    private Generation top(List<String> names) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            names.clear();
            for (String name : store.controls(PREFIX)) {
                if (generationOf(name) > 0) {
                    names.add(name); // anything else under lock/ is not ours and decides nothing
                }
            }
            if (names.isEmpty()) {
                return null;
            }
            String name = names.get(names.size() - 1);
            Optional<LogStore.Control> found = store.control(name);
            if (found.isPresent()) {
                return new Generation(generationOf(name), name, decode(name, found.get().bytes()));
            }
            // deleted by a release tidying the chain since the listing: list again
        }
        throw new StoreException("the lock of " + store.describe() + " keeps vanishing while being read");
    }

    /**
     * Creates the generation after {@code from}; false when another writer created it first. A
     * release that finds {@value #STALE_GENERATIONS} or more superseded ones deletes them, so that a
     * run usually costs two creates (take and release) and the chain stays short to list.
     */
    private boolean advance(Generation from, List<String> names, LockHolder next) {
        long number = from == null ? 1 : from.number + 1;
        if (!store.createControl(name(number), encode(next))) {
            return false;
        }
        if (newest() > number) {
            // A resurrected generation: this writer read the chain, stalled, and meanwhile others
            // took and released the lock past it and a release tidied the chain, deleting it; so
            // create-if-absent made it again. It is not the newest and decides nothing (the next
            // release tidies it away): this writer lost, as if the create had failed.
            return false;
        }
        if (next == null) {
            List<String> superseded = names.stream().filter(n -> generationOf(n) < number - 1).toList();
            if (superseded.size() >= STALE_GENERATIONS) {
                superseded.forEach(store::deleteControl);
            }
        }
        return true;
    }

    /** The highest generation in the chain now (0 when none): it only grows, a release deletes older ones only. */
    private long newest() {
        long newest = 0;
        for (String name : store.controls(PREFIX)) {
            newest = Math.max(newest, generationOf(name));
        }
        return newest;
    }

    static String name(long generation) {
        String digits = Long.toString(generation);
        return PREFIX + "0".repeat(Math.max(0, 20 - digits.length())) + digits;
    }

    /** The generation a name stands for, or 0 when it is not a generation's name. */
    private static long generationOf(String name) {
        if (name.length() != PREFIX.length() + 20 || !name.startsWith(PREFIX)) {
            return 0;
        }
        long n = 0;
        for (int i = PREFIX.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || n > (Long.MAX_VALUE - 9) / 10) {
                return 0;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static byte[] encode(LockHolder h) {
        Properties p = h == null ? new Properties() : h.toProperties();
        p.setProperty("state", h == null ? "free" : "held");
        StringWriter out = new StringWriter().append(MAGIC).append('\n');
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory", e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The holder a generation names, null when it says free, or a damaged holder naming it. */
    private LockHolder decode(String name, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.startsWith(MAGIC + "\n")) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text.substring(MAGIC.length() + 1)));
                if ("free".equals(p.getProperty("state"))) {
                    return null;
                }
                if ("held".equals(p.getProperty("state"))) {
                    return LockHolder.fromProperties(p);
                }
            } catch (IOException | RuntimeException e) {
                // damaged: reported below
            }
        }
        return LockHolder.damaged(name, "control object " + name + " of " + store.describe()
                + " is not an alchemy-java lease: " + quote(body));
    }

    /** The bytes as text for a message: at most 200 characters, control characters escaped. */
    static String quote(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c == '"' ? "\\\"" : String.valueOf(c));
            }
        }
        return out.append('"').append(body.length > 200 ? " … (" + body.length + " bytes)" : "").toString();
    }
}

package run.alchemy.api.spi;

import java.time.Instant;
import java.util.Properties;

/**
 * Who holds a stage's lock: enough for an operator to find the run, and for a taker to decide
 * whether the holder is gone. The engine writes and reads it (in the log's {@code lock/<n>}
 * control objects); a store never sees one. Programs get it from
 * {@link run.alchemy.api.StageLockedException#holder()} and the engine's {@code History}.
 *
 * @param lockId  unique per acquisition (the engine takes a random UUID); needed to force-unlock
 * @param runId   the run holding it
 * @param user    the OS user ({@code user.name}) running it
 * @param host    the host name, as {@link #localHost()} tells it there
 * @param pid     the process id on that host
 * @param since   when the lock was taken
 * @param expires when the lease runs out unless renewed
 * @param damage  null for a readable lease; for a damaged one (bytes that are not a lease), what
 *                was found and where: then {@code lockId} names the stored lease object (pass it
 *                to force-unlock) and the other fields are placeholders ({@code ?}, pid -1,
 *                {@link Instant#EPOCH})
 */
public record LockHolder(String lockId, String runId, String user, String host, long pid, Instant since,
                         Instant expires, String damage) {

    /**
     * A readable lease ({@code damage} null).
     *
     * @param lockId  unique per acquisition; needed to force-unlock
     * @param runId   the run holding it
     * @param user    the OS user running it
     * @param host    the host name, as {@link #localHost()} tells it there
     * @param pid     the process id on that host
     * @param since   when the lock was taken
     * @param expires when the lease runs out unless renewed
     */
    public LockHolder(String lockId, String runId, String user, String host, long pid, Instant since, Instant expires) {
        this(lockId, runId, user, host, pid, since, expires, null);
    }

    /**
     * A stored lease whose bytes cannot be read as one. It counts as expired: a live holder never
     * leaves one (leases are created whole), so it is foreign or corrupted and protects no one.
     *
     * @param lockId what names the stored lease (force-unlock takes it)
     * @param damage what was found and where, for the operator
     * @return a holder that {@link #isDamaged()} and is {@link #expiredAt expired} at any time
     */
    public static LockHolder damaged(String lockId, String damage) {
        return new LockHolder(lockId, "?", "?", "?", -1, Instant.EPOCH, Instant.EPOCH, damage);
    }

    /**
     * Whether the stored lease could not be read as one.
     *
     * @return true when {@link #damage()} is set
     */
    public boolean isDamaged() {
        return damage != null;
    }

    /**
     * The holder as properties, as the engine writes it in a lease control object
     * ({@link #fromProperties} reads it back).
     *
     * @return a new {@link Properties} with {@code lockId}, {@code runId}, {@code user}, {@code host},
     *         {@code pid}, {@code since} and {@code expires} (instants in ISO-8601); {@code damage} is
     *         not included
     */
    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("lockId", lockId);
        p.setProperty("runId", runId);
        p.setProperty("user", user);
        p.setProperty("host", host);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("since", since.toString());
        p.setProperty("expires", expires.toString());
        return p;
    }

    /**
     * Reads {@link #toProperties}' output back.
     *
     * @param p properties as {@link #toProperties} writes them; others are ignored
     * @return a readable holder ({@code damage} null)
     * @throws RuntimeException (parse errors) when a property is missing or malformed
     */
    public static LockHolder fromProperties(Properties p) {
        return new LockHolder(p.getProperty("lockId"), p.getProperty("runId"), p.getProperty("user"),
                p.getProperty("host"), Long.parseLong(p.getProperty("pid")), Instant.parse(p.getProperty("since")),
                Instant.parse(p.getProperty("expires")));
    }

    /**
     * This machine's host name, as holders record it ({@code localhost} when it cannot be told).
     *
     * @return the local host's name; may cost a name lookup
     */
    public static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * Whether the holder is known to be gone: it ran on this host and its process is not alive.
     *
     * @return true when {@link #host()} is {@link #localHost()} and no live process has {@link #pid()};
     *         false for a holder on another host, whose process cannot be seen from here
     */
    public boolean goneFromThisHost() {
        return host.equals(localHost()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * Whether the lease ran out by {@code now} (a damaged lease always has).
     *
     * @param now the instant to judge at, on the taker's clock
     * @return true when {@code now} is after {@link #expires()}, or the lease is damaged
     */
    public boolean expiredAt(Instant now) {
        return isDamaged() || now.isAfter(expires);
    }

    /**
     * {@link #expiredAt} the system clock's now.
     *
     * @return true when the lease ran out by {@link Instant#now()}, or is damaged
     */
    public boolean expired() {
        return expiredAt(Instant.now());
    }

    /**
     * The same holder with a later expiry, as a renewal writes it.
     *
     * @param until the new {@link #expires()}
     * @return a copy with every other component unchanged
     */
    public LockHolder renewedUntil(Instant until) {
        return new LockHolder(lockId, runId, user, host, pid, since, until, damage);
    }

    /**
     * For messages: {@code run R by user@host (pid P) since T, lock id L}, or what is damaged.
     *
     * @return the holder in one line; for a damaged lease, {@code a damaged lease (DAMAGE), lock id L}
     */
    public String describe() {
        if (isDamaged()) {
            return "a damaged lease (" + damage + "), lock id " + lockId;
        }
        return "run " + runId + " by " + user + "@" + host + " (pid " + pid + ") since " + since + ", lock id " + lockId;
    }
}

package run.alchemy.api.spi;

import java.time.Instant;
import java.util.Properties;

/**
 * Who holds a stage's lock: enough for an operator to find the run, and for a taker to decide
 * whether the holder is gone.
 *
 * @param lockId  unique per acquisition; needed to force-unlock
 * @param runId   the run holding it
 * @param user    the OS user
 * @param host    the host name
 * @param pid     the process id
 * @param since   when the lock was taken
 * @param expires when the lease runs out unless renewed
 * @param damage  null for a readable lease; for a damaged one (bytes that are not a lease), what
 *                was found and where: then {@code lockId} names the stored lease object (pass it
 *                to force-unlock) and the other fields are placeholders
 */
public record LockHolder(String lockId, String runId, String user, String host, long pid, Instant since,
                         Instant expires, String damage) {

    /** A readable lease. */
    public LockHolder(String lockId, String runId, String user, String host, long pid, Instant since, Instant expires) {
        this(lockId, runId, user, host, pid, since, expires, null);
    }

    /**
     * A stored lease whose bytes cannot be read as one. It counts as expired: a live holder never
     * leaves one (leases are created whole), so it is foreign or corrupted and protects no one.
     *
     * @param lockId what names the stored lease (force-unlock takes it)
     * @param damage what was found and where, for the operator
     */
    public static LockHolder damaged(String lockId, String damage) {
        return new LockHolder(lockId, "?", "?", "?", -1, Instant.EPOCH, Instant.EPOCH, damage);
    }

    public boolean isDamaged() {
        return damage != null;
    }

    /** The holder as properties, for stores that keep it as text ({@link #fromProperties} reads it back). */
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
     * @throws RuntimeException (parse errors) when a property is missing or malformed
     */
    public static LockHolder fromProperties(Properties p) {
        return new LockHolder(p.getProperty("lockId"), p.getProperty("runId"), p.getProperty("user"),
                p.getProperty("host"), Long.parseLong(p.getProperty("pid")), Instant.parse(p.getProperty("since")),
                Instant.parse(p.getProperty("expires")));
    }

    /** This machine's host name, as holders record it ({@code localhost} when it cannot be told). */
    public static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Whether the holder is known to be gone: it ran on this host and its process is not alive. */
    public boolean goneFromThisHost() {
        return host.equals(localHost()) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /** Whether the lease ran out by {@code now} (a damaged lease always has). */
    public boolean expiredAt(Instant now) {
        return isDamaged() || now.isAfter(expires);
    }

    /** {@link #expiredAt} the system clock's now. */
    public boolean expired() {
        return expiredAt(Instant.now());
    }

    public LockHolder renewedUntil(Instant until) {
        return new LockHolder(lockId, runId, user, host, pid, since, until, damage);
    }

    /** For messages: {@code run R by user@host (pid P) since T, lock id L}, or what is damaged. */
    public String describe() {
        if (isDamaged()) {
            return "a damaged lease (" + damage + "), lock id " + lockId;
        }
        return "run " + runId + " by " + user + "@" + host + " (pid " + pid + ") since " + since + ", lock id " + lockId;
    }
}

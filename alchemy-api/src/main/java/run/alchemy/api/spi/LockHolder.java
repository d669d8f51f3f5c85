package run.alchemy.api.spi;

import java.time.Instant;

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
 */
public record LockHolder(String lockId, String runId, String user, String host, long pid, Instant since,
                         Instant expires) {

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

    public boolean expired() {
        return Instant.now().isAfter(expires);
    }

    public LockHolder renewedUntil(Instant until) {
        return new LockHolder(lockId, runId, user, host, pid, since, until);
    }

    /** For messages: {@code run R by user@host (pid P) since T, lock id L}. */
    public String describe() {
        return "run " + runId + " by " + user + "@" + host + " (pid " + pid + ") since " + since + ", lock id " + lockId;
    }
}

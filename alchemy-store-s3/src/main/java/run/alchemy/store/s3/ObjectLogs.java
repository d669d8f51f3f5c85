package run.alchemy.store.s3;

import run.alchemy.api.InvalidIdException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.store.s3.internal.S3LogStore;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stages' event logs kept in objects, as the S3 store keeps them: under
 * {@code <prefix>.alchemy-java/<app>/<stage>/}, where Alchemy's listing of a scope never looks
 * (the layout of each log is {@link S3StateStore}'s). Given other {@link LogObjects}, another
 * object store keeps the same logs in the same place.
 */
public final class ObjectLogs {
    /** Where the logs live below the key prefix. */
    static final String LOG_ROOT = ".alchemy-java/";

    private final LogObjects objects;
    private final String prefix;

    /**
     * The logs in {@code objects} under {@code prefix}.
     *
     * @param objects the objects the logs are kept in
     * @param prefix  the store's key prefix, verbatim: empty, or ending in {@code /} (such as {@code alchemy/})
     * @throws NullPointerException if either is null
     */
    public ObjectLogs(LogObjects objects, String prefix) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * Opens a stage's log; nothing is written until its first append.
     *
     * @param app   the app's name
     * @param stage the stage's name
     * @return the log
     * @throws run.alchemy.api.InvalidIdException if the app's or the stage's name is empty
     */
    public LogStore logStore(String app, String stage) {
        return new S3LogStore(objects, root(app, stage));
    }

    /**
     * Whether a stage has a log: one listing with a delimiter, a page at most; nothing is created.
     *
     * @param app   the app's name
     * @param stage the stage's name
     * @return true when objects of its log exist
     * @throws run.alchemy.api.InvalidIdException if the app's or the stage's name is empty
     */
    public boolean hasLog(String app, String stage) {
        LogObjects.Listing listing = objects.list(root(app, stage), "/", null);
        return !listing.keys().isEmpty() || !listing.prefixes().isEmpty();
    }

    /**
     * The app's stages that have a log: one listing, nothing created.
     *
     * @param app the app's name
     * @return the stages' names, sorted
     * @throws run.alchemy.api.InvalidIdException if the app's name is empty
     */
    public Set<String> stages(String app) {
        String logs = prefix + LOG_ROOT + name(app, prefix + LOG_ROOT) + "/";
        Set<String> stages = new TreeSet<>();
        for (String p : objects.list(logs, "/", null).prefixes()) {
            stages.add(p.substring(logs.length(), p.length() - 1));
        }
        return stages;
    }

    private String root(String app, String stage) {
        String appRoot = prefix + LOG_ROOT + name(app, prefix + LOG_ROOT) + "/";
        return appRoot + name(stage, appRoot) + "/";
    }

    private String name(String name, String under) {
        if (name.isEmpty()) {
            throw new InvalidIdException(name, objects.url(under), "empty scope name");
        }
        return name;
    }
}

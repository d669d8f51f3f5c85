package run.alchemy.store.mem;

import run.alchemy.api.spi.LogConflictException;
import run.alchemy.api.spi.LogStore;
import run.alchemy.api.spi.StateStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The storage behind {@link MemoryStateStore} instances: a tree of scopes holding records, and the
 * event logs by app and stage. Every method holds this object's lock, so each is atomic; bytes are
 * copied in and out, and no caller's code runs under the lock.
 */
final class Memory {
    private final String name;
    /** The scopes: chain element by element from the root, each with its records. */
    private final Node root = new Node();
    /** The event logs: app, then stage; a log is here once anything was written to it. */
    private final Map<String, Map<String, Log>> logs = new HashMap<>();
    /** Version tokens of control objects: one counter for the whole storage. */
    private long writes;

    Memory(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** One scope: its records by id and its child scopes by name, both sorted. */
    private static final class Node {
        final TreeMap<String, byte[]> records = new TreeMap<>();
        final TreeMap<String, Node> children = new TreeMap<>();

        boolean holdsNoRecord() {
            return records.isEmpty() && children.values().stream().allMatch(Node::holdsNoRecord);
        }
    }

    private Node find(List<String> chain) {
        Node n = root;
        for (String element : chain) {
            n = n.children.get(element);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    synchronized Optional<byte[]> get(List<String> chain, String id) {
        Node n = find(chain);
        byte[] bytes = n == null ? null : n.records.get(id);
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    synchronized void put(List<String> chain, String id, byte[] json) {
        Node n = root;
        for (String element : chain) {
            n = n.children.computeIfAbsent(element, e -> new Node());
        }
        n.records.put(id, json.clone());
    }

    synchronized void delete(List<String> chain, String id) {
        Node n = find(chain);
        if (n != null) {
            n.records.remove(id);
        }
    }

    synchronized StateStore.Contents contents(List<String> chain) {
        Node n = find(chain);
        if (n == null) {
            return new StateStore.Contents(List.of(), List.of());
        }
        return new StateStore.Contents(new ArrayList<>(n.records.keySet()), new ArrayList<>(n.children.keySet()));
    }

    synchronized void deleteScope(List<String> chain) {
        if (chain.isEmpty()) {
            return;
        }
        Node parent = find(chain.subList(0, chain.size() - 1));
        String last = chain.get(chain.size() - 1);
        Node n = parent == null ? null : parent.children.get(last);
        if (n != null && n.holdsNoRecord()) {
            parent.children.remove(last);
        }
    }

    synchronized Set<String> logStages(String app) {
        return Set.copyOf(new TreeSet<>(logs.getOrDefault(app, Map.of()).keySet()));
    }

    synchronized boolean hasLog(String app, String stage) {
        return log(app, stage) != null;
    }

    // ------------------------------------------------------------------ logs

    /** One stage's log: records by position, the drop mark, the control objects. */
    private static final class Log {
        final TreeMap<Long, byte[]> records = new TreeMap<>();
        long head;
        /** Positions below this were dropped; appends at a head below it are refused. */
        long floor;
        final TreeMap<String, LogStore.Control> controls = new TreeMap<>();
    }

    private Log log(String app, String stage) {
        Map<String, Log> stages = logs.get(app);
        return stages == null ? null : stages.get(stage);
    }

    private Log logToWrite(String app, String stage) {
        return logs.computeIfAbsent(app, a -> new HashMap<>()).computeIfAbsent(stage, s -> new Log());
    }

    synchronized long head(String app, String stage) {
        Log log = log(app, stage);
        return log == null ? 0 : log.head;
    }

    synchronized long append(String app, String stage, long expectedHead, List<byte[]> records) {
        List<byte[]> copies = new ArrayList<>(records.size());
        for (byte[] r : records) {
            for (byte b : r) {
                if (b == '\n' || b == '\r') {
                    throw new IllegalArgumentException("a log record may not contain a line break");
                }
            }
            copies.add(r.clone());
        }
        if (copies.isEmpty()) {
            return expectedHead;
        }
        Log existing = log(app, stage);
        long head = existing == null ? 0 : existing.head;
        long floor = existing == null ? 0 : existing.floor;
        if (expectedHead != head || expectedHead < floor) {
            throw new LogConflictException("the log of " + app + "/" + stage + " in mem:" + name + " is at "
                    + head + ", not " + expectedHead + ": another writer appended first");
        }
        Log log = logToWrite(app, stage);
        for (byte[] r : copies) {
            log.records.put(++log.head, r);
        }
        return log.head;
    }

    /** The records after {@code after}, copied out (the caller visits them without the lock). */
    synchronized List<Map.Entry<Long, byte[]>> recordsAfter(String app, String stage, long after) {
        Log log = log(app, stage);
        if (log == null) {
            return List.of();
        }
        List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
        log.records.tailMap(after, false).forEach((pos, bytes) -> out.add(Map.entry(pos, bytes.clone())));
        return out;
    }

    synchronized void dropBelow(String app, String stage, long position) {
        Log log = log(app, stage);
        long head = log == null ? 0 : log.head;
        if (position > head) {
            throw new IllegalArgumentException("cannot drop below " + position + ": the head of " + app + "/" + stage
                    + " is " + head);
        }
        if (log != null && position > log.floor) {
            log.floor = position;
            log.records.headMap(position, false).clear();
        }
    }

    synchronized Optional<LogStore.Control> control(String app, String stage, String control) {
        Log log = log(app, stage);
        return log == null ? Optional.empty() : Optional.ofNullable(log.controls.get(control));
    }

    synchronized boolean createControl(String app, String stage, String control, byte[] bytes) {
        Log existing = log(app, stage);
        if (existing != null && existing.controls.containsKey(control)) {
            return false;
        }
        putControl(app, stage, control, bytes);
        return true;
    }

    synchronized void putControl(String app, String stage, String control, byte[] bytes) {
        logToWrite(app, stage).controls.put(control, new LogStore.Control(control, bytes, Long.toString(++writes)));
    }

    synchronized void deleteControl(String app, String stage, String control) {
        Log log = log(app, stage);
        if (log != null) {
            log.controls.remove(control);
        }
    }

    synchronized List<String> controls(String app, String stage, String prefix) {
        Log log = log(app, stage);
        if (log == null) {
            return List.of();
        }
        return log.controls.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    synchronized LogStore.View view(String app, String stage, String prefix) {
        Log log = log(app, stage);
        if (log == null) {
            return new LogStore.View(0, Map.of());
        }
        Map<String, LogStore.Control> found = new TreeMap<>();
        log.controls.forEach((n, c) -> {
            if (n.startsWith(prefix)) {
                found.put(n, c);
            }
        });
        return new LogStore.View(log.head, found);
    }
}

package run.alchemy.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.engine.internal.StateSerde;
import run.alchemy.engine.internal.json.TreeParser;

import java.io.IOException;

/**
 * The engine's own parser of records ({@link TreeParser}) against Jackson's {@code readTree}: what
 * it takes, Jackson must take and parse to the same tree (node classes and key order too), and a
 * tree it calls plain must be one that reviving leaves as it is. It has no typed error: any
 * exception is a finding.
 */
public final class TreeParserTarget {
    private static final StateSerde SERDE = new StateSerde();

    private TreeParserTarget() {
    }

    /** Jazzer's hook before fuzzing: runs the seeds once. */
    public static void fuzzerInitialize() {
        Targets.warmUp(TreeParserTarget::fuzzerTestOneInput, "TreeParserTarget");
    }

    /**
     * One input.
     *
     * @param data a record's bytes
     */
    public static void fuzzerTestOneInput(byte[] data) {
        TreeParser.Tree tree = TreeParser.parseObject(data);
        if (tree == null) {
            return; // left to Jackson
        }
        ObjectNode jackson;
        try {
            jackson = (ObjectNode) SERDE.mapper().readTree(data);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("TreeParser took an input Jackson refuses: " + e.getMessage());
        }
        if (!same(jackson, tree.root())) {
            throw new IllegalStateException("TreeParser's tree " + tree.root() + " is not Jackson's " + jackson);
        }
        if (tree.plain()) {
            ObjectNode before = jackson.deepCopy();
            ObjectNode revived = SERDE.readRecord(data, new StateSerde.Parsed(jackson, false, null), () -> "record.json", null);
            if (!same(before, revived)) {
                throw new IllegalStateException("TreeParser called " + before + " plain, and reviving made " + revived);
            }
        }
    }

    /** Jackson's nodes are equal only to nodes of their class; the text shows the key order, which equals ignores. */
    private static boolean same(JsonNode a, JsonNode b) {
        return a.equals(b) && a.toString().equals(b.toString());
    }
}

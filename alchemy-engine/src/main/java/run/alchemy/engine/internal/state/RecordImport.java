package run.alchemy.engine.internal.state;

import run.alchemy.api.InvalidIdException;
import run.alchemy.engine.internal.Ids;
import run.alchemy.engine.internal.RecordCheck;
import run.alchemy.engine.internal.StateSerde;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes records from outside a deploy into a stage through the repository, so that each becomes
 * an {@code imported} event projected like a deploy's writes. Every record is checked before any
 * is written: a bad one fails the import with nothing changed.
 */
public final class RecordImport {
    /** How many records were new, replaced and already there byte for byte. */
    public record Counts(int added, int replaced, int unchanged) {
    }

    private RecordImport() {
    }

    /** {@code records}: chain and id of each record, with its bytes; {@code source} names them in errors. */
    public static Counts run(StateRepository repo, StateSerde serde, List<String> stage, String source,
                             Map<List<String>, Map<String, byte[]>> records) {
        Map<Key, byte[]> checked = new LinkedHashMap<>();
        records.forEach((chain, ids) -> ids.forEach((id, bytes) -> {
            String where = source + " (" + StateRepository.fqn(chain, id) + ")";
            if (chain.size() < stage.size() || !chain.subList(0, stage.size()).equals(stage)) {
                throw new InvalidIdException(StateRepository.fqn(chain, id), where, "is not in the stage "
                        + String.join("/", stage));
            }
            for (String element : chain) {
                Ids.check(element, where);
            }
            Ids.check(id, where);
            RecordCheck.check(serde, bytes, where);
            checked.put(new Key(chain, id), bytes);
        }));
        // every current record read first: one that cannot be read fails the import before anything is queued
        Map<Key, Optional<byte[]>> current = new LinkedHashMap<>();
        checked.keySet().forEach(k -> current.put(k, repo.bytes(k.chain(), k.id())));
        int added = 0;
        int replaced = 0;
        int unchanged = 0;
        for (Map.Entry<Key, byte[]> e : checked.entrySet()) {
            Key k = e.getKey();
            Optional<byte[]> old = current.get(k);
            if (old.isPresent() && Arrays.equals(old.get(), e.getValue())) {
                unchanged++;
                continue;
            }
            repo.importRecord(k.chain(), k.id(), e.getValue(), source);
            if (old.isPresent()) {
                replaced++;
            } else {
                added++;
            }
        }
        return new Counts(added, replaced, unchanged);
    }
}

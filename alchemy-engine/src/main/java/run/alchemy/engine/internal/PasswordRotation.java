package run.alchemy.engine.internal;

import run.alchemy.engine.internal.state.StateRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import run.alchemy.engine.internal.secrets.SecretCodec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-encrypts every secret of a stage under a new password. Every record is read (and every
 * secret opened) with the old password before anything is written, so a wrong old password or a
 * damaged record stops the rotation with nothing changed; then each record holding secrets is
 * rewritten on its own, atomically.
 */
public final class PasswordRotation {
    /** A record of the stage and its location. */
    public record Rotated(List<String> chain, String id, String location, int secrets) {
    }

    private PasswordRotation() {
    }

    public static List<Rotated> rotate(StateRepository repo, List<String> stage, SecretCodec from, SecretCodec to,
                                       boolean dryRun, int[] scanned) {
        Map<Rotated, ObjectNode> read = new LinkedHashMap<>();
        List<String> app = stage.subList(0, stage.size() - 1);
        collect(repo, app, List.of(stage.get(stage.size() - 1)), from, read);
        walk(repo, stage, from, read);
        scanned[0] = read.size();
        List<Rotated> rotated = new ArrayList<>();
        read.forEach((where, record) -> {
            if (where.secrets() > 0) {
                if (!dryRun) {
                    repo.write(where.chain(), where.id(), record, to, run.alchemy.api.event.ResourceEvent.Type.UPDATED);
                }
                rotated.add(where);
            }
        });
        return rotated;
    }

    private static void walk(StateRepository repo, List<String> chain, SecretCodec from, Map<Rotated, ObjectNode> read) {
        collect(repo, chain, repo.list(chain), from, read);
        for (String child : repo.listScopes(chain)) {
            walk(repo, StateRepository.child(chain, child), from, read);
        }
    }

    private static void collect(StateRepository repo, List<String> chain, List<String> ids, SecretCodec from,
                                Map<Rotated, ObjectNode> read) {
        repo.readBatch(chain, ids, from).forEach((id, record) ->
                read.put(new Rotated(chain, id, repo.locate(chain, id), countSecrets(record)), record));
    }

    private static int countSecrets(JsonNode node) {
        if (node.isPojo()) {
            return 1;
        }
        int n = 0;
        for (JsonNode child : node) {
            n += countSecrets(child);
        }
        return n;
    }
}

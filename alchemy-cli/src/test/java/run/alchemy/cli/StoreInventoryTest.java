package run.alchemy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code state apps} and {@code state stages}: what a store holds, with counts. */
class StoreInventoryTest {
    @TempDir
    Path dir;

    private void deploy(Cli cli, String store, String app, String stage, int values, boolean child) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < values; i++) {
            r.append(i == 0 ? "" : ",").append("{\"id\": \"v").append(i).append("\", \"kind\": \"alchemy::Value\", \"props\": {\"i\": ")
                    .append(i).append("}}");
        }
        String scopes = child ? ", \"scopes\": [{\"name\": \"child\", \"resources\": [{\"id\": \"c\", \"kind\": \"alchemy::Value\","
                + " \"props\": {}}], \"scopes\": []}]" : "";
        Path f = dir.resolve(app + "-" + stage + ".json");
        Cli.write(f, "{\"app\": \"" + app + "\", \"stage\": \"" + stage + "\", \"resources\": [" + r + "]" + scopes + "}");
        Cli.Result res = cli.run("deploy", "-f", f.toString(), "--store", store);
        assertEquals(0, res.code(), res.toString());
    }

    @Test
    void appsAndStagesAreListedWithTheirCounts() {
        String store = "fs:" + dir.resolve(".alchemy");
        Cli cli = new Cli();
        deploy(cli, store, "shop", "dev", 2, true);
        deploy(cli, store, "shop", "prod", 3, false);
        deploy(cli, store, "blog", "dev", 1, false);

        Cli.Result apps = cli.run("state", "apps", "--store", store, "--json");
        assertEquals(0, apps.code(), apps.toString());
        JsonNode list = apps.json();
        assertEquals(2, list.size(), apps.out());
        assertEquals("blog", list.get(0).get("app").asText());
        JsonNode shop = list.get(1);
        assertEquals("shop", shop.get("app").asText());
        assertEquals(2, shop.get("stages").asInt());
        // records: dev holds v0, v1, the child scope's record and c; prod v0..v2; each stage its own record in the app
        Cli.Result stages = cli.run("state", "stages", "--store", store, "--app", "shop", "--json");
        assertEquals(0, stages.code(), stages.toString());
        JsonNode dev = stages.json().get(0);
        assertEquals("dev", dev.get("stage").asText());
        assertEquals(4, dev.get("records").asInt(), stages.out());
        assertEquals(3, stages.json().get(1).get("records").asInt(), stages.out());
        assertTrue(dev.get("events").asInt() > 0, "the stage's log holds its events: " + stages.out());
        assertEquals(dev.get("records").asInt() + stages.json().get(1).get("records").asInt(), shop.get("records").asInt());

        Cli.Result text = cli.run("state", "stages", "--store", store);
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("blog/dev") && text.out().contains("shop/prod") && text.out().contains("3 records"),
                text.out());
        assertTrue(text.out().contains("3 stages in " + store), text.out());

        Cli.Result unknown = cli.run("state", "stages", "--store", store, "--app", "shopp");
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("no app \"shopp\"") && unknown.err().contains("apps: blog, shop"), unknown.err());
    }
}

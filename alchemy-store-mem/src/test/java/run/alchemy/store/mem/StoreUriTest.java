package run.alchemy.store.mem;

import org.junit.jupiter.api.Test;
import run.alchemy.api.ConfigurationException;
import run.alchemy.api.spi.StateStore;
import run.alchemy.engine.Alchemy;
import run.alchemy.engine.StateStores;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mem:NAME} is found through ServiceLoader and opens a new, empty storage each time. */
class StoreUriTest {
    @Test
    void memUrisOpenANewEmptyStoreEachTime() {
        try (StateStore a = StateStores.open("mem:unit-tests"); StateStore b = StateStores.open("mem:unit-tests")) {
            assertInstanceOf(MemoryStateStore.class, a);
            assertEquals("unit-tests", ((MemoryStateStore) a).name());
            a.put(List.of("app", "dev"), "x", "{}".getBytes(StandardCharsets.UTF_8));
            assertTrue(b.get(List.of("app", "dev"), "x").isEmpty(), "no registry of names: share the instance");
            assertEquals("mem:unit-tests/app/dev/x", a.locate(List.of("app", "dev"), "x"));
            assertTrue(a.logStore("app", "dev").isPresent());
        }
        assertInstanceOf(MemoryStateStore.class, StateStores.open("MEM:/"));
    }

    @Test
    void optionsAreRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> StateStores.open("mem:x?size=1"));
        assertTrue(e.getMessage().contains("no options"), e.getMessage());
    }

    @Test
    void theStagesUriMethodFindsIt() {
        try (Alchemy app = Alchemy.app("app").stage("dev").password("p").environment(Map.of())
                .stateStore("mem:stage").open()) {
            assertEquals(List.of("app", "dev"), app.chain());
        }
    }
}

package run.alchemy.engine;

import org.junit.jupiter.api.Test;
import run.alchemy.api.ConfigurationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The message of a store URI whose scheme has no installed store (only alchemy-store-fs is on this path). */
class StateStoresTest {
    private static String failure(String uri) {
        return assertThrows(ConfigurationException.class, () -> StateStores.open(uri)).getMessage();
    }

    @Test
    void aKnownSchemeNamesTheArtifactToAdd() {
        assertEquals("no state store for scheme \"s3\" in \"s3://bucket/app\"; add the dependency"
                + " run.alchemy:alchemy-store-s3; installed: [fs] (e.g. fs:.alchemy)", failure("s3://bucket/app"));
        assertEquals("no state store for scheme \"r2\" in \"r2://bucket\"; add the dependency"
                + " run.alchemy:alchemy-store-r2; installed: [fs] (e.g. fs:.alchemy)", failure("r2://bucket"));
        for (String uri : new String[] {"do://host", "do+https://host", "DO+HTTP://host:8787"}) {
            String message = failure(uri);
            assertEquals(true, message.contains("; add the dependency run.alchemy:alchemy-store-do; installed: [fs]"),
                    message);
        }
    }

    @Test
    void anUnknownSchemeNamesOnlyTheInstalledOnes() {
        assertEquals("no state store for scheme \"gcs\" in \"gcs:bucket\"; installed: [fs] (e.g. fs:.alchemy)",
                failure("gcs:bucket"));
        assertEquals("no state store for URI without a scheme in \"state\"; installed: [fs] (e.g. fs:.alchemy)",
                failure("state"));
    }
}

/**
 * The conformance suites every {@link run.alchemy.api.spi.StateStore} and
 * {@link run.alchemy.api.spi.LogStore} passes: a store's tests extend
 * {@link run.alchemy.testkit.StateStoreContract} and {@link run.alchemy.testkit.LogStoreContract}.
 * Published as a main artifact (as OkHttp publishes mockwebserver), to add with test scope.
 */
module run.alchemy.testkit {
    requires transitive run.alchemy.api;
    requires transitive org.junit.jupiter.api;

    exports run.alchemy.testkit;
    // JUnit calls the suites' package-private @Test and @BeforeEach methods by reflection.
    opens run.alchemy.testkit to org.junit.platform.commons;
}

/**
 * The user API of alchemy-java (resources, providers, secrets, phases, errors) and the
 * state-store SPI that store modules implement. Depends on nothing but the JDK.
 */
module run.alchemy.api {
    exports run.alchemy.api;
    exports run.alchemy.api.event;
    exports run.alchemy.api.spi;
}

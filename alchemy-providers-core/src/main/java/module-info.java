/** Alchemy's built-in resources that need no service: {@code alchemy::Value}. */
module run.alchemy.providers.core {
    requires transitive run.alchemy.api;
    requires transitive com.fasterxml.jackson.databind;

    exports run.alchemy.providers.core;

    provides run.alchemy.api.ResourceProvider with run.alchemy.providers.core.internal.ValueProvider;
}

package run.alchemy.engine.internal.state;

import java.util.List;

/** A record's address: its scope chain and id. */
record Key(List<String> chain, String id) {
    Key {
        chain = List.copyOf(chain);
    }
}

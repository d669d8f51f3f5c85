package run.alchemy.engine;

import java.util.List;

/**
 * Where a record lives: its scope chain and id. Unlike the fqn ({@code chain/id}), unambiguous
 * when ids contain {@code /}.
 */
public record Address(List<String> chain, String id) implements Comparable<Address> {
    public Address {
        chain = List.copyOf(chain);
    }

    public String fqn() {
        return String.join("/", chain) + "/" + id;
    }

    @Override
    public int compareTo(Address o) {
        int c = fqn().compareTo(o.fqn());
        return c != 0 ? c : Integer.compare(chain.size(), o.chain.size());
    }

    @Override
    public String toString() {
        return fqn();
    }
}

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

    /** Scope by scope, then by id: parents sort before their children. */
    @Override
    public int compareTo(Address o) {
        for (int i = 0; i < Math.min(chain.size(), o.chain.size()); i++) {
            int c = chain.get(i).compareTo(o.chain.get(i));
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(chain.size(), o.chain.size());
        return c != 0 ? c : id.compareTo(o.id);
    }

    @Override
    public String toString() {
        return fqn();
    }
}

package run.alchemy.engine;

import java.util.List;

/**
 * Where a record lives: its scope chain and id. Unlike the fqn ({@code chain/id}), unambiguous
 * when ids contain {@code /}. Used as the key of {@link History}'s folds and in its reports.
 *
 * @param chain the record's scope chain, the app first ({@code ["my-app","dev"]})
 * @param id    the record's id within that scope (it may contain {@code /})
 */
public record Address(List<String> chain, String id) implements Comparable<Address> {
    /**
     * Copies {@code chain}, so that the address is immutable.
     *
     * @param chain the record's scope chain, the app first; copied
     * @param id    the record's id within that scope
     * @throws NullPointerException if {@code chain} or one of its names is null
     */
    public Address {
        chain = List.copyOf(chain);
    }

    /**
     * The record's full name, as Alchemy and the CLI print it.
     *
     * @return the chain and the id joined with {@code /}, e.g. {@code my-app/dev/vault/db}
     */
    public String fqn() {
        return String.join("/", chain) + "/" + id;
    }

    /**
     * Scope by scope, then by id: parents sort before their children.
     *
     * @param o the address to compare with
     * @return negative, zero or positive as this address sorts before, with or after {@code o}
     */
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

    /**
     * The full name, for messages.
     *
     * @return the {@link #fqn()}
     */
    @Override
    public String toString() {
        return fqn();
    }
}

package run.alchemy.api;

import java.util.Objects;

/**
 * A registered JavaScript symbol ({@code Symbol.for(description)}), stored by Alchemy as
 * {@code {"@symbol": "Symbol(description)"}}.
 *
 * @param description the symbol's key, e.g. {@code alchemy::ResourceKind}, not null
 */
public record JsSymbol(String description) {
    /**
     * A symbol with this description.
     *
     * @param description the symbol's key, not null
     * @throws NullPointerException if {@code description} is null
     */
    public JsSymbol {
        Objects.requireNonNull(description, "description");
    }

    /**
     * The symbol as JavaScript prints it, the text Alchemy stores.
     *
     * @return {@code Symbol(description)}
     */
    @Override
    public String toString() {
        return "Symbol(" + description + ")";
    }
}

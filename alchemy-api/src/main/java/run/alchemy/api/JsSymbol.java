package run.alchemy.api;

import java.util.Objects;

/**
 * A registered JavaScript symbol ({@code Symbol.for(description)}), stored by Alchemy as
 * {@code {"@symbol": "Symbol(description)"}}.
 */
public record JsSymbol(String description) {
    public JsSymbol {
        Objects.requireNonNull(description, "description");
    }

    @Override
    public String toString() {
        return "Symbol(" + description + ")";
    }
}

package run.alchemy.api;

/**
 * A JSON-schema-like value, stored by Alchemy as {@code {"@schema": value}}. As in Alchemy,
 * props holding a schema never compare equal to stored props, so such resources always update.
 *
 * @param value the schema as plain Java data (maps, lists, strings, numbers, booleans)
 */
public record Schema(Object value) {
}

package run.alchemy.api;

/**
 * Options of a named child scope.
 *
 * @param password the password for secrets stored in this scope and below (as Alchemy's
 *                 {@code alchemy.run(name, {password}, fn)}); null inherits the parent's
 */
public record ScopeOptions(String password) {
    public static final ScopeOptions INHERIT = new ScopeOptions(null);

    public static ScopeOptions password(String password) {
        return new ScopeOptions(password);
    }

    @Override
    public String toString() {
        return "ScopeOptions(password " + (password == null ? "inherited" : "set") + ")";
    }
}

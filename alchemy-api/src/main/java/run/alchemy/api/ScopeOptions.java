package run.alchemy.api;

/**
 * Options of a named child scope.
 *
 * @param password the password for secrets stored in this scope and below (as Alchemy's
 *                 {@code alchemy.run(name, {password}, fn)}); null inherits the parent's
 */
public record ScopeOptions(String password) {
    /** No options of its own: secrets use the parent scope's password. */
    public static final ScopeOptions INHERIT = new ScopeOptions(null);

    /**
     * Options with the scope's own password.
     *
     * @param password the password for secrets in the scope and below; null inherits the parent's
     * @return options with that password
     */
    public static ScopeOptions password(String password) {
        return new ScopeOptions(password);
    }

    /**
     * The options without the password itself.
     *
     * @return {@code ScopeOptions(password set)} or {@code ScopeOptions(password inherited)}
     */
    @Override
    public String toString() {
        return "ScopeOptions(password " + (password == null ? "inherited" : "set") + ")";
    }
}

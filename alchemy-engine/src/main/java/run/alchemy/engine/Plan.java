package run.alchemy.engine;

import run.alchemy.api.Action;

import java.util.List;

/**
 * What a deploy would do, from {@link Stage#plan}: one step per declared resource, in the order
 * their applies ran (declaration order, unless {@code applyAsync} ran them side by side), then one
 * per record the deploy would delete (no longer declared, with everything under it). Made without
 * calling a provider or writing a byte.
 *
 * @param steps every resource's step
 */
public record Plan(List<Step> steps) {
    /**
     * Copies the steps.
     *
     * @param steps every resource's step
     */
    public Plan {
        steps = List.copyOf(steps);
    }

    /**
     * What a deploy would do to one resource.
     *
     * @param address where its record lives
     * @param kind    its kind (for a delete, as stored)
     * @param action  {@link Action#CREATED}, {@link Action#UPDATED}, {@link Action#SKIPPED} or
     *                {@link Action#DELETED}: what the deploy would report. An update may turn out a
     *                replacement; only the provider decides that.
     * @param changes for an update or a skip, where the stored props differ from the declared ones
     *                ({@code /props/...} pointers; secrets only as changed, never their values). Empty
     *                for a create or a delete, and for an update forced with unchanged props.
     */
    public record Step(Address address, String kind, Action action, List<Change> changes) {
        /**
         * Copies the changes.
         *
         * @param address where its record lives
         * @param kind    its kind
         * @param action  what the deploy would report
         * @param changes where the props differ
         */
        public Step {
            changes = List.copyOf(changes);
        }
    }

    /**
     * How many resources the deploy would treat so.
     *
     * @param action one of the four a plan holds
     * @return the number of steps with {@code action}
     */
    public int count(Action action) {
        return (int) steps.stream().filter(s -> s.action() == action).count();
    }

    /**
     * Whether the deploy would change anything.
     *
     * @return true when some step is not {@link Action#SKIPPED}
     */
    public boolean hasChanges() {
        return steps.stream().anyMatch(s -> s.action() != Action.SKIPPED);
    }
}

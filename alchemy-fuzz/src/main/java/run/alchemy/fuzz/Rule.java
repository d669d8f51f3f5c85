package run.alchemy.fuzz;

import run.alchemy.api.AlchemyException;

import java.util.function.Predicate;

/**
 * The rule every target checks. A parser given bytes someone else wrote either returns, or throws
 * the typed error it documents with a message naming the input (the file, key or URL it came
 * from). Anything else is a finding: another exception, an error naming nothing, a hang (the
 * fuzzer's timeout, or {@code CorpusTest}'s), or a memory blow-up (the fuzzer's RSS limit).
 */
public final class Rule {
    private Rule() {
    }

    /**
     * Runs {@code parse}, accepting an {@link AlchemyException} whose message names {@code input}.
     *
     * @param input what the bytes are called in messages (a file, key or URL)
     * @param parse the parse
     * @throws Finding when the parse broke the rule by throwing a typed error naming nothing
     */
    public static void typed(String input, Runnable parse) {
        typed(input, AlchemyException.class, parse);
    }

    /**
     * Runs {@code parse}, accepting a {@code typed} exception whose message names {@code input}.
     * Every other exception propagates: to the fuzzer that is the finding, with its own stack.
     *
     * @param input what the bytes are called in messages
     * @param typed the exception type the parser documents
     * @param parse the parse
     * @throws Finding when the parse threw {@code typed} with a message that does not name {@code input}
     */
    public static void typed(String input, Class<? extends RuntimeException> typed, Runnable parse) {
        typed(input, message -> message.contains(input), typed, parse);
    }

    /**
     * Runs {@code parse}, accepting a {@code typed} exception whose message {@code names} accepts.
     *
     * @param input what the bytes are called, for the finding's message
     * @param names whether a message names the input (it is never null here)
     * @param typed the exception type the parser documents
     * @param parse the parse
     * @throws Finding when the parse threw {@code typed} with a message {@code names} refuses
     */
    public static void typed(String input, Predicate<String> names,
                             Class<? extends RuntimeException> typed, Runnable parse) {
        try {
            parse.run();
        } catch (RuntimeException e) {
            if (!typed.isInstance(e)) {
                throw e;
            }
            String message = e.getMessage();
            if (message == null || !names.test(message)) {
                throw new Finding("a " + e.getClass().getSimpleName() + " that does not name " + input + ": " + message, e);
            }
        }
    }

    /** A parser broke the rule in a way no exception type shows: it threw the right type but named nothing. */
    public static final class Finding extends RuntimeException {
        Finding(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

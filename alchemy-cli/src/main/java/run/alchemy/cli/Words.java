package run.alchemy.cli;

/** Counts in summaries: {@code 1 record}, {@code 2 records}. */
public final class Words {
    private Words() {
    }

    public static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}

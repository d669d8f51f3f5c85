package run.alchemy.cli;

/** Counts in summaries: {@code 1 record}, {@code 2 records}. */
final class Words {
    private Words() {
    }

    static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}

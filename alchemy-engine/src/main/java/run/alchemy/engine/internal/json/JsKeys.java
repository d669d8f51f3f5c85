package run.alchemy.engine.internal.json;

/** JavaScript's ordering of object keys. */
public final class JsKeys {
    private JsKeys() {
    }

    /** True for array-index keys ({@code "0"} … {@code "4294967294"}), which JS lists first, ascending. */
    public static boolean isIndex(String key) {
        int len = key.length();
        if (len == 0 || len > 10) {
            return false;
        }
        if (len > 1 && key.charAt(0) == '0') {
            return false;
        }
        long v = 0;
        for (int i = 0; i < len; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 4294967294L;
    }

    /** Keys of the form {@code Symbol(description)}, which stand for JS symbols in Alchemy's JSON. */
    public static boolean isSymbol(String key) {
        return key.startsWith("Symbol(") && key.endsWith(")");
    }

    public static String symbolDescription(String key) {
        return key.substring("Symbol(".length(), key.length() - 1);
    }
}

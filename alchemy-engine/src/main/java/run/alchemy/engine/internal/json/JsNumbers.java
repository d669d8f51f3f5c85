package run.alchemy.engine.internal.json;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Numbers as JavaScript's {@code Number.prototype.toString} prints them (ECMA-262 Number::toString). */
public final class JsNumbers {
    private static final long MAX_SAFE = 1L << 53;

    private JsNumbers() {
    }

    /** The JS text of a numeric JSON node; JS numbers are doubles, so every node becomes one. */
    public static String format(JsonNode number) {
        if (number.isInt()) {
            return Integer.toString(number.intValue());
        }
        if (number.isLong()) {
            long v = number.longValue();
            if (v > -MAX_SAFE && v < MAX_SAFE) {
                return Long.toString(v);
            }
        }
        return format(number.doubleValue());
    }

    /** NaN and infinities print as {@code null}, as {@code JSON.stringify} does. */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == 0) {
            return "0"; // also -0
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        // Shortest round-trip digits (Schubfach, as in JDK 19+ Double.toString), re-laid out the JS way.
        String shortest = NumberOutput.toString(v, true);
        boolean negative = shortest.charAt(0) == '-';
        if (negative) {
            shortest = shortest.substring(1);
        }
        int e = shortest.indexOf('E');
        int exponent = e < 0 ? 0 : Integer.parseInt(shortest.substring(e + 1));
        String mantissa = e < 0 ? shortest : shortest.substring(0, e);
        int dot = mantissa.indexOf('.');
        String intPart = dot < 0 ? mantissa : mantissa.substring(0, dot);
        String fracPart = dot < 0 ? "" : mantissa.substring(dot + 1);
        String digits = intPart + fracPart;
        int n = intPart.length() + exponent; // value = 0.digits * 10^n
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
            n--;
        }
        int end = digits.length();
        while (end > start + 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(start, end);
        if (digits.length() == 2) {
            // Java prints at least "d.d"; JS uses one digit when one digit round-trips (5e-324).
            BigDecimal one = new BigDecimal(Math.abs(v))
                    .round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(one.toString()) == Math.abs(v)) {
                digits = one.unscaledValue().toString();
                n = one.precision() - one.scale();
            }
        }
        int k = digits.length();
        StringBuilder out = new StringBuilder(24);
        if (negative) {
            out.append('-');
        }
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exp = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exp < 0 ? '-' : '+').append(Math.abs(exp));
        }
        return out.toString();
    }
}

package run.alchemy.engine.internal.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected texts are what Node 20 prints for {@code String(x)} / {@code JSON.stringify}. */
class JsFormatTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "100|100", "0.5|0.5", "1e21|1e+21", "1.5e-7|1.5e-7", "0.000001|0.000001", "1e-7|1e-7",
            "123456789012345680000|123456789012345680000", "-0.0|0", "0.30000000000000004|0.30000000000000004",
            "5e-324|5e-324", "1.7976931348623157e308|1.7976931348623157e+308", "9007199254740992|9007199254740992",
            "1e15|1000000000000000", "1.23e-18|1.23e-18", "-1e21|-1e+21", "1e20|100000000000000000000",
            "123.456|123.456", "-42|-42", "2.5e-6|0.0000025", "1.2345678901234567e-5|0.000012345678901234568", "1e-323|1e-323", "2.2250738585072014e-308|2.2250738585072014e-308"})
    void numbersPrintAsJavaScriptDoes(double value, String js) {
        assertEquals(js, JsNumbers.format(value));
    }

    @Test
    void nonFiniteNumbersAndHugeLongsFollowJs() {
        assertEquals("null", JsNumbers.format(Double.NaN));
        assertEquals("null", JsNumbers.format(Double.POSITIVE_INFINITY));
        assertEquals("12345678901234567000", JsNumbers.format(
                com.fasterxml.jackson.databind.node.BigIntegerNode.valueOf(new java.math.BigInteger("12345678901234567890"))));
        assertEquals("9007199254740992", JsNumbers.format(LongNode.valueOf(9007199254740993L)));
        assertEquals("0.1", JsNumbers.format(DoubleNode.valueOf(0.1)));
    }

    @Test
    void formattedNumbersParseBackToTheSameDouble() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String text = JsNumbers.format(v);
            assertEquals(v == 0 ? 0.0 : v, Double.parseDouble(text), text);
        }
    }

    @Test
    void stringsAreEscapedAsJsonStringify() throws Exception {
        String s = "q\" b\\ \b\f\n\r\t \u0001\u001f \u007f é / \u2028 \ud83d\ude00 lone:\ud800 \udc00";
        String json = JsonWriter.compact(new ObjectMapper().valueToTree(s), (p, ptr) -> null);
        assertEquals("\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \u007f é / \u2028 \ud83d\ude00 lone:\\ud800 \\udc00\"",
                json);
    }

    @Test
    void prettyOutputMatchesJsonStringifyWithTwoSpaces() throws Exception {
        var tree = new ObjectMapper().readTree("{\"a\":[],\"b\":{},\"c\":[1,{\"d\":null}],\"e\":true}");
        assertEquals("{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": null\n    }\n  ],\n"
                + "  \"e\": true\n}", JsonWriter.pretty(tree, (p, ptr) -> null));
    }

    @Test
    void datesParseAndPrintAsJavaScriptDates() {
        assertEquals("2024-01-01T00:00:00.000Z", JsDates.iso(JsDates.parse("2024-01-01").getAsLong()));
        assertEquals("2024-02-29T12:34:56.789Z", JsDates.iso(JsDates.parse("2024-02-29T12:34:56.789Z").getAsLong()));
        assertEquals("2024-02-29T10:34:56.789Z", JsDates.iso(JsDates.parse("2024-02-29T12:34:56.789+02:00").getAsLong()));
        assertEquals("+010000-01-01T00:00:00.000Z", JsDates.iso(JsDates.parse("+010000-01-01T00:00:00.000Z").getAsLong()));
        assertEquals("-000001-01-01T00:00:00.000Z", JsDates.iso(JsDates.parse("-000001-01-01T00:00:00Z").getAsLong()));
        assertTrue(JsDates.parse("not a date").isEmpty());
        assertTrue(JsDates.parse("2024-13-01").isEmpty());
    }

    @Test
    void buffersDecodeLenientlyAsNode() {
        assertEquals("d76d", hex(JsBase64.decodeLenient("1,2,3")));
        assertEquals("000102fdfeff", hex(JsBase64.decodeLenient("AAEC/f7/")));
        assertEquals("000102fdfeff", hex(JsBase64.decodeLenient("AAEC_f7_")));
        assertEquals("616263", hex(JsBase64.decodeLenient("YW Jj\n")));
    }

    @Test
    void indexKeysAreRecognisedAsJavaScriptDoes() {
        assertTrue(JsKeys.isIndex("0") && JsKeys.isIndex("4294967294"));
        assertTrue(!JsKeys.isIndex("4294967295") && !JsKeys.isIndex("01") && !JsKeys.isIndex("-1")
                && !JsKeys.isIndex("1.5") && !JsKeys.isIndex(""));
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }
}

package run.alchemy.engine.internal;

import run.alchemy.api.Secret;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** An assertion for the engine's shortcuts that bind values as Jackson does: the same value, down to each class and key order. */
final class SameValues {
    private SameValues() {
    }

    /** Equal values whose every record, map, list and leaf is of the same class, and maps in the same order. */
    static void assertSameValue(Object expected, Object actual, String where) {
        if (expected == null || actual == null) {
            assertSame(expected, actual, where);
            return;
        }
        assertEquals(expected.getClass(), actual.getClass(), where);
        if (expected instanceof Record) {
            for (RecordComponent rc : expected.getClass().getRecordComponents()) {
                assertSameValue(component(rc, expected), component(rc, actual), where + "." + rc.getName());
            }
        } else if (expected instanceof Map<?, ?> e) {
            Map<?, ?> a = (Map<?, ?>) actual;
            assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), where);
            e.forEach((k, value) -> assertSameValue(value, a.get(k), where + "/" + k));
        } else if (expected instanceof List<?> e) {
            List<?> a = (List<?>) actual;
            assertEquals(e.size(), a.size(), where);
            Iterator<?> ai = a.iterator();
            int i = 0;
            for (Object value : e) {
                assertSameValue(value, ai.next(), where + "/" + i++);
            }
        } else if (expected instanceof Secret e) {
            assertEquals(e.reveal(), ((Secret) actual).reveal(), where);
        } else if (expected instanceof byte[] e) {
            assertTrue(Arrays.equals(e, (byte[]) actual), where);
        } else if (!expected.equals(actual)) { // Double.equals tells -0.0 from 0.0 and NaN equals NaN
            fail(where + ": " + expected + " != " + actual);
        }
    }

    private static Object component(RecordComponent rc, Object record) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read " + rc, e);
        }
    }
}

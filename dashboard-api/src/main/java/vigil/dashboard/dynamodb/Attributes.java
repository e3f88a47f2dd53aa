package vigil.dashboard.dynamodb;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Lenient readers of item attributes shared by the stores: a missing or mistyped attribute reads as absent
 * ({@code null}) rather than failing a request. Stateless.
 */
public final class Attributes {
    private Attributes() {}

    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    public static Long longValue(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            return null;
        }
        try {
            return new BigDecimal(v.n()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    public static Double doubleValue(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.n() == null) {
            return null;
        }
        try {
            return Double.valueOf(v.n());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An ISO-8601 instant stored as a string, or null. */
    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String s = string(item, name);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

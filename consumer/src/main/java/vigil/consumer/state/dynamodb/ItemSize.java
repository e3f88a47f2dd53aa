package vigil.consumer.state.dynamodb;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The size of a DynamoDB item as AWS counts it for billing (DynamoDB developer guide, "Item sizes and formats"):
 * attribute names (UTF-8) plus values. String: UTF-8 bytes; binary: bytes; number: 1 byte per two significant
 * digits plus 1; boolean and null: 1; list and map: 3 bytes plus 1 per element plus the elements (map keys count
 * as names). One write unit covers a started KB. An estimate for our own items: numbers are rounded the AWS way,
 * not byte-exact. Stateless.
 */
public final class ItemSize {
    private ItemSize() {}

    public static int of(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    private static int value(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return number(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArrayUnsafe().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            return 3 + v.m().size() + of(v.m());
        }
        if (v.hasL()) {
            int size = 3 + v.l().size();
            for (AttributeValue element : v.l()) {
                size += value(element);
            }
            return size;
        }
        if (v.hasSs()) {
            return list(v.ss());
        }
        if (v.hasNs()) {
            int size = 0;
            for (String n : v.ns()) {
                size += number(n);
            }
            return size;
        }
        return 0;
    }

    private static int list(List<String> strings) {
        int size = 0;
        for (String s : strings) {
            size += utf8(s);
        }
        return size;
    }

    /** 1 byte per two significant digits (leading and trailing zeroes trimmed) plus 1. */
    static int number(String n) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c >= '1' && c <= '9') {
                if (first < 0) {
                    first = i;
                }
                last = i;
            } else if (c == 'e' || c == 'E') {
                break;
            }
        }
        if (first < 0) {
            return 2; // zero
        }
        int digits = 0;
        for (int i = first; i <= last; i++) {
            digits += Character.isDigit(n.charAt(i)) ? 1 : 0;
        }
        return (digits + 1) / 2 + 1;
    }

    private static int utf8(String s) {
        int ascii = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }
}

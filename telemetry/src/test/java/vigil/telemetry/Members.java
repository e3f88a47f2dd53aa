package vigil.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The members of a compact JSON object (as {@link TelemetryEncoder} writes it) as (name, raw value bytes), for tests
 * that reorder, repeat, remove or replace fields while keeping every value's exact spelling.
 */
final class Members {
    private static final JsonFactory JSON = new JsonFactory();

    record Member(String name, byte[] value) {
        boolean isObject() {
            return value.length > 0 && value[0] == '{';
        }

        Member withValue(String raw) {
            return new Member(name, raw.getBytes(StandardCharsets.UTF_8));
        }
    }

    private Members() {}

    /** The object's members in their order; names are assumed to need no escaping (the encoder's names). */
    static List<Member> of(byte[] object) {
        try (JsonParser p = JSON.createParser(object)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            List<Member> members = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                if (t == JsonToken.VALUE_STRING) {
                    p.getText(); // reads the string, so that the location is after its closing quote
                }
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                members.add(new Member(name, Arrays.copyOfRange(object, start, end)));
            }
            return members;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object with these members, in this order. */
    static byte[] write(List<Member> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(('"' + members.get(i).name() + "\":").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(members.get(i).value());
        }
        out.write('}');
        return out.toByteArray();
    }

    /** The record with its envelope fields, and the members of {@code m}, each in a random order. */
    static byte[] shuffled(byte[] record, Random random) {
        List<Member> envelope = new ArrayList<>(of(record));
        for (int i = 0; i < envelope.size(); i++) {
            Member m = envelope.get(i);
            if (m.name().equals("m") && m.isObject()) {
                List<Member> metrics = new ArrayList<>(of(m.value()));
                Collections.shuffle(metrics, random);
                envelope.set(i, new Member("m", write(metrics)));
            }
        }
        Collections.shuffle(envelope, random);
        return write(envelope);
    }
}

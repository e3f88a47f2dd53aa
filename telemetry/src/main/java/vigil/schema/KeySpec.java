package vigil.schema;

import java.util.Objects;

/** A key attribute: its name and type. */
public record KeySpec(String name, AttributeType type) {
    public KeySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static KeySpec string(String name) {
        return new KeySpec(name, AttributeType.STRING);
    }

    public static KeySpec number(String name) {
        return new KeySpec(name, AttributeType.NUMBER);
    }
}

package vigil.telemetry;

/**
 * One known field of telemetry-v1: where the decoder keeps it, its JSON kind and its range.
 *
 * @param name     wire name
 * @param slot     index in the decoder's scratch slots
 * @param kind     expected JSON kind
 * @param required whether absence (or {@code null}) rejects the record
 * @param min      inclusive lower bound for numbers; minimum length for strings
 * @param max      inclusive upper bound for numbers; maximum length in characters for strings
 */
record FieldSpec(String name, int slot, Kind kind, boolean required, double min, double max) {

    /** JSON kinds the spec distinguishes. */
    enum Kind {
        STRING,
        /** Any JSON number, integer or decimal. */
        NUMBER,
        /** A JSON integer without fraction or exponent. */
        INTEGER,
        BOOLEAN,
        OBJECT
    }

    static FieldSpec number(String name, int slot, boolean required, double min, double max) {
        return new FieldSpec(name, slot, Kind.NUMBER, required, min, max);
    }

    static FieldSpec bool(String name, int slot, boolean required) {
        return new FieldSpec(name, slot, Kind.BOOLEAN, required, 0, 0);
    }

    static FieldSpec string(String name, int slot, boolean required, int maxChars) {
        return new FieldSpec(name, slot, Kind.STRING, required, 0, maxChars);
    }
}

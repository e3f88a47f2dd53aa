package vigil.telemetry;

import static vigil.telemetry.WireFields.CARE_UNIT;
import static vigil.telemetry.WireFields.COLLECTOR_ID;
import static vigil.telemetry.WireFields.DEVICE_ID;
import static vigil.telemetry.WireFields.DEVICE_TYPE;
import static vigil.telemetry.WireFields.FW;
import static vigil.telemetry.WireFields.M;
import static vigil.telemetry.WireFields.MODEL;
import static vigil.telemetry.WireFields.SCHEMA;
import static vigil.telemetry.WireFields.SEQ;
import static vigil.telemetry.WireFields.SETTINGS_VERSION;
import static vigil.telemetry.WireFields.STATE;
import static vigil.telemetry.WireFields.TS;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Objects;

/**
 * Strict decoder of telemetry-v1 payloads (telemetry-v1.md). Accepts exactly what the spec allows and rejects
 * everything else with the spec's reason code, choosing the first failing check in the spec's order. It checks
 * one payload in isolation; the per-device checks ({@code DEVICE_TYPE_CHANGED}, duplicates, lateness) belong to
 * the consumer, which knows the device's history.
 *
 * <p>Parsing uses Jackson's streaming parser directly over the payload bytes: no data binding, no intermediate
 * {@code String} of the payload. Known fields are collected into scratch slots during one pass; validation then
 * walks the slots in the spec's check order, so that a record with several problems gets the first reason.
 *
 * <p>Where the spec leaves room for more than one reading, the reading chosen is written next to the code and
 * in docs/decoder.md ("Ambiguities").
 *
 * <p><b>Threading contract.</b> Not thread-safe: an instance owns mutable scratch slots. Use one instance per
 * writer (one per shard processor), called serially; calls may come from different threads as long as each
 * call happens-before the next, as KCL guarantees for a shard's processor.
 */
public final class TelemetryDecoder {
    /** telemetry-v1.md, "Transport": a record larger than 16 KiB is rejected without being parsed. */
    public static final int MAX_RECORD_BYTES = 16 * 1024;
    /** telemetry-v1.md: a record whose ts is more than 300 s ahead of the consumer's clock is rejected. */
    public static final long MAX_FUTURE_SKEW_MILLIS = 300_000;
    /** telemetry-v1.md, NOT_JSON: nesting deeper than 8 levels. The top-level object is level 1. */
    static final int MAX_DEPTH = 8;

    /*
     * Jackson's defaults are lenient in three places where telemetry-v1 is not, so the factory is built explicitly:
     * - CHARSET_DETECTION off: by default Jackson sniffs UTF-16/UTF-32 from zero bytes and skips a UTF-8 byte order
     *   mark. "{\0\"\0..." (UTF-16LE) is valid UTF-8 byte by byte, and would otherwise be decoded as JSON. With
     *   detection off every payload is read as UTF-8, so NUL bytes and a BOM are syntax errors (NOT_JSON).
     * - maxNumberLength raised to the record size: the default (1000 chars) would turn a 1001-digit integer into a
     *   parser exception, i.e. NOT_JSON, while the spec says "an integer beyond 64 bits" is OUT_OF_RANGE.
     * - FAIL_ON_SYMBOL_HASH_OVERFLOW off: with it on, many colliding field names make the parser throw an
     *   IllegalStateException, which is not an IOException and would escape decode(). Input is capped at 16 KiB,
     *   so the cost of a degraded symbol table is bounded.
     * Every JsonReadFeature stays at its strict default (no comments, NaN, single quotes, leading zeros, ...).
     * Two more, for speed and allocation only (docs/decoder.md, "Performance"):
     * - USE_FAST_DOUBLE_PARSER: Jackson's bundled FastDoubleParser reads decimals from its char buffer. The JDK
     *   path copies each number into a String and allocates inside Double.parseDouble. Both round correctly.
     * - INTERN_FIELD_NAMES off: names stay canonicalized per parser (one String per distinct name, not per
     *   occurrence), but attacker-chosen unknown names are not put into the JVM's string table.
     * ReusableJsonParser builds the parser from this factory's settings, as Jackson's UTF-8 byte parser directly,
     * which never sniffs a charset; CHARSET_DETECTION stays off so that the factory is strict if used directly.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CHARSET_DETECTION)
            .disable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(MAX_RECORD_BYTES)
                    .build())
            .build();

    /*
     * A parser that collected more distinct names than this (unknown fields of many payloads) is replaced, so that
     * its symbol table stays small. A telemetry-v1 record has 40 known names.
     */
    private static final int MAX_PARSER_SYMBOLS = 512;

    /* Codes kept in longs[] for the three string fields compared with constants instead of read as Strings. */
    private static final char[] SCHEMA_CHARS = TelemetryEncoder.SCHEMA.toCharArray();
    private static final char[][] DEVICE_TYPE_CHARS = wireChars(DeviceType.values());
    private static final char[][] PUMP_STATE_CHARS = wireChars(PumpState.values());
    private static final char[][] DIALYSIS_STATE_CHARS = wireChars(DialysisState.values());
    /* The same constants as ASCII bytes, for string values compared in the payload itself. */
    private static final byte[] SCHEMA_BYTES = asciiBytes(new char[][] {SCHEMA_CHARS})[0];
    private static final byte[][] DEVICE_TYPE_BYTES = asciiBytes(DEVICE_TYPE_CHARS);
    private static final byte[][] PUMP_STATE_BYTES = asciiBytes(PUMP_STATE_CHARS);
    private static final byte[][] DIALYSIS_STATE_BYTES = asciiBytes(DIALYSIS_STATE_CHARS);
    private static final DeviceType[] DEVICE_TYPES = DeviceType.values();
    private static final PumpState[] PUMP_STATES = PumpState.values();
    private static final DialysisState[] DIALYSIS_STATES = DialysisState.values();

    /*
     * Hot, writer-private state. The parser is reused across decodes (ReusableJsonParser); it is null after a
     * parse that did not end cleanly and is then rebuilt on the next decode.
     */
    private ReusableJsonParser parser;
    /*
     * Scratch slots, indexed by WireFields slot. A slot holds a value of this decode only when
     * seenIn[slot] == generation; otherwise it is ABSENT. Bumping the generation replaces a reset loop over every
     * slot. Only the first occurrence of a field is kept; counts[] counts all of them.
     */
    private int generation;
    private final int[] seenIn = new int[WireFields.SLOT_COUNT];
    private final Kind[] kinds = new Kind[WireFields.SLOT_COUNT];
    private final int[] counts = new int[WireFields.SLOT_COUNT];
    private final long[] longs = new long[WireFields.SLOT_COUNT];
    private final double[] doubles = new double[WireFields.SLOT_COUNT];
    private final String[] strings = new String[WireFields.SLOT_COUNT];
    /*
     * Field order of the previous records (see parse): learnedNext[slot] is the slot that followed slot the last
     * time (END: the object ended; index ENVELOPE_START / METRICS_START: the first name), guessing is true when the
     * last parsed record followed it throughout, orderHeld tracks that during a parse.
     */
    private final int[] learnedNext = newLearnedOrder();
    private boolean guessing;
    private boolean orderHeld;
    /* Strings read from payloads, reused while the same characters come again (StringCache). */
    private final StringCache stringCache = new StringCache();
    /* true when a decimal metric rounded to exactly one of its bounds but its exact value lies beyond it. */
    private final boolean[] beyondBound = new boolean[WireFields.SLOT_COUNT];

    /** What the parser saw in a slot. */
    private enum Kind {
        ABSENT,
        NULL,
        STRING,
        INTEGER,
        BIG_INTEGER,
        DECIMAL,
        BOOLEAN,
        OBJECT,
        ARRAY
    }

    /** Thrown inside the parse pass only, for JSON the spec calls NOT_JSON; never escapes. */
    private static final class NotJson extends Exception {
        private static final long serialVersionUID = 1L;
        static final NotJson INSTANCE = new NotJson();

        private NotJson() {
            super("not JSON", null, false, false);
        }
    }

    private static int[] newLearnedOrder() {
        int[] next = new int[WireFields.SLOT_COUNT + 2];
        Arrays.fill(next, END);
        return next;
    }

    /** Decodes a whole byte array. */
    public DecodeResult decode(byte[] payload, long nowMillis) {
        return decode(payload, 0, payload.length, nowMillis);
    }

    /**
     * Decodes {@code length} bytes of {@code payload} from {@code offset}.
     *
     * @param nowMillis the consumer's wall clock, epoch millis, for the future-timestamp check
     * @return the decoded record, or the rejection with the first failing check's reason
     */
    public DecodeResult decode(byte[] payload, int offset, int length, long nowMillis) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (length > MAX_RECORD_BYTES) {
            return new DecodeResult.Rejected(RejectReason.TOO_LARGE, null, null);
        }
        if (!Utf8.isValid(payload, offset, length)) {
            return new DecodeResult.Rejected(RejectReason.NOT_UTF8, null, null);
        }
        nextGeneration();
        ReusableJsonParser p = parser != null ? parser : ReusableJsonParser.create(FACTORY);
        parser = null; // kept only if this parse ends cleanly (ReusableJsonParser's reuse contract)
        p.reset(payload, offset, length);
        try {
            parse(p);
        } catch (NotJson | IOException e) {
            guessing = false;
            // The message and location could hold payload text: never logged, never kept.
            return new DecodeResult.Rejected(RejectReason.NOT_JSON, readableDeviceId(), null);
        }
        p.releaseInput(); // the payload is not referenced between calls
        if (p.symbolCount() <= MAX_PARSER_SYMBOLS) {
            parser = p;
        }
        return validate(nowMillis);
    }

    private void nextGeneration() {
        if (++generation == 0) { // wrapped after 2^32 decodes: stale stamps could match again
            Arrays.fill(seenIn, 0);
            generation = 1;
        }
    }

    // ---- parse pass -------------------------------------------------------------------------------------

    /*
     * Field names. The parser is always asked for one exact name (nextFieldName(SerializableString): compares the
     * raw bytes, no symbol-table lookup) when the decoder has a candidate, else it reads the next token itself; the
     * parser reads every token either way, so a candidate only decides the speed, never the result. Candidates:
     * - the order of the previous record (learnedNext: for each slot, the slot that followed it), while records
     *   keep coming in one order (guessing): one byte compare per name, as a collector repeating its order allows;
     * - otherwise the name read from the payload's bytes (ReusableJsonParser#peekNameSlot: the closing quote found
     *   and the name compared eight bytes at a time), for collectors whose orders differ record to record.
     * A record whose names all followed the learned order switches guessing on for the next one; a record that
     * departs from it switches it off. Names neither way can tell (unknown names, escapes, non-ASCII, after a string
     * value not read) take Jackson's symbol table and the String lookup, which sees names unescaped.
     */
    private void parse(ReusableJsonParser p) throws IOException, NotJson {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw NotJson.INSTANCE;
        }
        orderHeld = true;
        int previous = ENVELOPE_START;
        while (true) {
            int slot = nextKnownName(p, previous, false);
            if (slot == END) {
                break;
            }
            JsonToken value = p.nextToken();
            if (slot == M && value == JsonToken.START_OBJECT) {
                mark(M, Kind.OBJECT);
                parseMetrics(p);
            } else if (slot >= 0) {
                store(p, value, slot, 1);
            } else {
                skip(p, value, 1);
            }
            previous = slot;
        }
        if (!p.onlyWhitespaceLeft()) {
            throw NotJson.INSTANCE; // content after the object
        }
        guessing = orderHeld;
    }

    private static final int END = -2;
    /* learnedNext indexes for "first name of the envelope" and "first name of m". */
    private static final int ENVELOPE_START = WireFields.SLOT_COUNT;
    private static final int METRICS_START = WireFields.SLOT_COUNT + 1;

    /**
     * The slot of the next name (-1 unknown) or {@link #END}, with a candidate from the learned order or the
     * payload's bytes (see above); {@code previous} is the slot of the name before it, a *_START index, or -1 after
     * an unknown name. Learns the order as it goes.
     */
    private int nextKnownName(ReusableJsonParser p, int previous, boolean metrics) throws IOException, NotJson {
        int learned = previous >= 0 ? learnedNext[previous] : END;
        int slot;
        if (guessing && learned >= 0) {
            slot = nextName(p, learned, metrics);
        } else {
            slot = nextName(p, p.peekNameSlot(metrics ? WireFields.METRIC_WIRE_NAMES : WireFields.ENVELOPE_WIRE_NAMES),
                    metrics);
        }
        if (previous >= 0) {
            if (slot != learned) {
                orderHeld = false;
                learnedNext[previous] = slot;
            }
        } else {
            orderHeld = false; // after an unknown name there is no order to follow
        }
        return slot;
    }

    /**
     * Advances to the next name of the current object and returns its slot (-1 unknown), or {@link #END} at the
     * object's end; anything else is not JSON. {@code expected}: the candidate slot, or -1 for none.
     */
    private static int nextName(JsonParser p, int expected, boolean metrics) throws IOException, NotJson {
        JsonToken t;
        if (expected >= 0) {
            if (p.nextFieldName(WireFields.wireName(expected))) {
                return expected;
            }
            t = p.currentToken();
        } else {
            t = p.nextToken();
        }
        if (t == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            return metrics ? WireFields.metricSlot(name) : WireFields.envelopeSlot(name);
        }
        if (t == JsonToken.END_OBJECT) {
            return END;
        }
        throw NotJson.INSTANCE;
    }

    /** Reads the members of {@code m} (level 2); the parser stands on its START_OBJECT. */
    private void parseMetrics(ReusableJsonParser p) throws IOException, NotJson {
        int previous = METRICS_START;
        while (true) {
            int slot = nextKnownName(p, previous, true);
            if (slot == END) {
                return;
            }
            JsonToken value = p.nextToken();
            if (slot >= 0) {
                store(p, value, slot, 2);
            } else {
                skip(p, value, 2);
            }
            previous = slot;
        }
    }

    /** Counts an occurrence of {@code slot}; the first one sets its kind. Returns whether it was the first. */
    private boolean mark(int slot, Kind kind) {
        if (seenIn[slot] != generation) {
            seenIn[slot] = generation;
            counts[slot] = 1;
            kinds[slot] = kind;
            return true;
        }
        counts[slot]++;
        return false;
    }

    private Kind kind(int slot) {
        return seenIn[slot] == generation ? kinds[slot] : Kind.ABSENT;
    }

    private int count(int slot) {
        return seenIn[slot] == generation ? counts[slot] : 0;
    }

    /** Records a known field's value; only the first occurrence is kept, every occurrence is counted. */
    private void store(ReusableJsonParser p, JsonToken value, int slot, int level) throws IOException, NotJson {
        boolean first = mark(slot, Kind.NULL); // counted before its value is read; the kind is set below
        Kind kind;
        switch (value) {
            case VALUE_STRING -> {
                kind = Kind.STRING;
                if (first) {
                    storeString(p, slot);
                }
            }
            case VALUE_NUMBER_INT -> {
                // Up to 18 digits read from the token's characters (no number conversion inside the parser).
                long v = ShortDecimal.parseInteger(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                if (v != ShortDecimal.NOT_SHORT) {
                    kind = Kind.INTEGER;
                    if (first) {
                        longs[slot] = v;
                    }
                } else if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    kind = Kind.BIG_INTEGER;
                } else {
                    kind = Kind.INTEGER;
                    if (first) {
                        longs[slot] = p.getLongValue();
                    }
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                kind = Kind.DECIMAL;
                if (first) {
                    double v = ShortDecimal.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    if (v == v) {
                        // A short decimal is never beyond a bound it rounds to: every bound in the spec is an
                        // integer B, and a decimal m / 10^f != B (m < 10^15, f <= 15) differs from B by at least
                        // 10^-f, more than 10^-15 relative (or, for B = 0, is at least 10^-15): far more than half a
                        // double's spacing, so it cannot round to B. Skips the exact BigDecimal comparison for values
                        // sent at a bound (airInLineUl 0.0 in every pump record).
                        doubles[slot] = v;
                        beyondBound[slot] = false;
                    } else { // not a short decimal: Jackson parses it, and a bound is compared exactly
                        doubles[slot] = p.getDoubleValue();
                        beyondBound[slot] = isBeyondBound(p, slot, doubles[slot]);
                    }
                }
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                kind = Kind.BOOLEAN;
                if (first) {
                    longs[slot] = value == JsonToken.VALUE_TRUE ? 1 : 0;
                }
            }
            case VALUE_NULL -> kind = Kind.NULL;
            case START_OBJECT, START_ARRAY -> {
                kind = value == JsonToken.START_OBJECT ? Kind.OBJECT : Kind.ARRAY;
                skip(p, value, level);
            }
            default -> throw NotJson.INSTANCE;
        }
        if (first) {
            kinds[slot] = kind;
        }
    }

    /*
     * schema, deviceType and state are only ever compared with constants: compared in the parser's char buffer,
     * kept as a code, never turned into a String. The other strings become part of the record.
     */
    private void storeString(ReusableJsonParser p, int slot) throws IOException {
        int length = p.plainStringLength();
        if (length >= 0) { // plain ASCII: compared and copied from the payload bytes, then skipped
            byte[] b = p.inputBuffer();
            int start = p.inputPointer();
            switch (slot) {
                case SCHEMA -> longs[SCHEMA] = equalsBytes(b, start, length, SCHEMA_BYTES) ? 1 : 0;
                case DEVICE_TYPE -> longs[DEVICE_TYPE] = indexOf(b, start, length, DEVICE_TYPE_BYTES);
                case STATE -> {
                    int pump = indexOf(b, start, length, PUMP_STATE_BYTES);
                    longs[STATE] = pump != 0 ? pump : 16 + indexOf(b, start, length, DIALYSIS_STATE_BYTES);
                }
                default -> strings[slot] = stringCache.getAscii(b, start, length);
            }
            p.skipPlainString(length);
            return;
        }
        switch (slot) {
            case SCHEMA -> longs[SCHEMA] = equalsChars(p, SCHEMA_CHARS) ? 1 : 0;
            case DEVICE_TYPE -> longs[DEVICE_TYPE] = indexOf(p, DEVICE_TYPE_CHARS);
            case STATE -> {
                // The two state tables share no value: store the pump index, or the dialysis index + 16.
                int pump = indexOf(p, PUMP_STATE_CHARS);
                longs[STATE] = pump != 0 ? pump : 16 + indexOf(p, DIALYSIS_STATE_CHARS);
            }
            default -> strings[slot] = stringCache.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
    }

    /** 1 + the index of the candidate equal to {@code b[start, start + length)}, or 0. */
    private static int indexOf(byte[] b, int start, int length, byte[][] candidates) {
        for (int i = 0; i < candidates.length; i++) {
            if (equalsBytes(b, start, length, candidates[i])) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean equalsBytes(byte[] b, int start, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[][] asciiBytes(char[][] chars) {
        byte[][] out = new byte[chars.length][];
        for (int i = 0; i < chars.length; i++) {
            out[i] = new String(chars[i]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** 1 + the index of the candidate equal to the current string value, or 0. */
    private static int indexOf(JsonParser p, char[][] candidates) throws IOException {
        for (int i = 0; i < candidates.length; i++) {
            if (equalsChars(p, candidates[i])) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean equalsChars(JsonParser p, char[] expected) throws IOException {
        int len = p.getTextLength();
        if (len != expected.length) {
            return false;
        }
        char[] buf = p.getTextCharacters();
        int off = p.getTextOffset();
        for (int i = 0; i < len; i++) {
            if (buf[off + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static char[][] wireChars(Enum<?>[] values) {
        char[][] out = new char[values.length][];
        for (int i = 0; i < values.length; i++) {
            Enum<?> v = values[i];
            String wire = v instanceof DeviceType d
                    ? d.wireName()
                    : v instanceof PumpState s ? s.wireName() : ((DialysisState) v).wireName();
            out[i] = wire.toCharArray();
        }
        return out;
    }

    /**
     * Range checks compare the double nearest to the decimal. Rounding is monotonic and every bound in the spec is
     * exactly representable, so the double is inside (outside) the range exactly when the decimal is, except when
     * the double equals a bound: "1200.0000000000000001" rounds to 1200.0. Only then is the exact value compared.
     */
    private static boolean isBeyondBound(JsonParser p, int slot, double rounded) throws IOException {
        FieldSpec f = WireFields.metricAt(slot);
        if (f == null || f.kind() != FieldSpec.Kind.NUMBER || (rounded != f.min() && rounded != f.max())) {
            return false;
        }
        BigDecimal exact;
        try {
            exact = p.getDecimalValue();
        } catch (NumberFormatException e) {
            // An exponent beyond BigDecimal's int scale ("0e19007199254740992", "-1e-9999999999"); found by fuzzing.
            return isTinyBeyondBound(p, f, rounded);
        }
        return exact.compareTo(BigDecimal.valueOf(f.min())) < 0 || exact.compareTo(BigDecimal.valueOf(f.max())) > 0;
    }

    /**
     * For a decimal whose exponent BigDecimal cannot hold but whose double is a finite bound: a huge positive
     * exponent would have overflowed to infinity, so the value is exactly zero (all mantissa digits zero) or
     * non-zero and smaller in magnitude than any double, on the side of its sign.
     */
    private static boolean isTinyBeyondBound(JsonParser p, FieldSpec f, double rounded) throws IOException {
        char[] text = p.getTextCharacters();
        int end = p.getTextOffset() + p.getTextLength();
        boolean negative = text[p.getTextOffset()] == '-';
        for (int i = p.getTextOffset(); i < end && text[i] != 'e' && text[i] != 'E'; i++) {
            if (text[i] >= '1' && text[i] <= '9') {
                return negative ? rounded == f.min() : rounded == f.max();
            }
        }
        return false; // exactly zero, which the double 0.0 represents exactly
    }

    /** Skips a value at {@code level} (the level of the object holding it), enforcing the depth limit. */
    private static void skip(JsonParser p, JsonToken value, int level) throws IOException, NotJson {
        if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
            if (value == null) {
                throw NotJson.INSTANCE;
            }
            return;
        }
        int depth = level + 1;
        if (depth > MAX_DEPTH) {
            throw NotJson.INSTANCE;
        }
        while (depth > level) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw NotJson.INSTANCE;
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (++depth > MAX_DEPTH) {
                    throw NotJson.INSTANCE;
                }
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            }
        }
    }

    // ---- validation pass, in the spec's check order ------------------------------------------------------

    private DecodeResult validate(long nowMillis) {
        String deviceId = readableDeviceId();
        DeviceType type = kind(DEVICE_TYPE) == Kind.STRING && longs[DEVICE_TYPE] > 0
                ? DEVICE_TYPES[(int) longs[DEVICE_TYPE] - 1]
                : null;
        DecodeResult duplicate = duplicate(deviceId, type);
        if (duplicate != null) {
            return duplicate;
        }
        RejectReason r;
        if ((r = presentAs(SCHEMA, Kind.STRING)) != null) {
            return reject(r, deviceId, SCHEMA);
        }
        if (longs[SCHEMA] != 1) { // compared with TelemetryEncoder.SCHEMA during the parse
            return reject(RejectReason.UNKNOWN_SCHEMA, deviceId, SCHEMA);
        }
        if ((r = presentAs(DEVICE_ID, Kind.STRING)) != null) {
            return reject(r, null, DEVICE_ID);
        }
        if (deviceId == null) {
            return reject(RejectReason.BAD_DEVICE_ID, null, DEVICE_ID);
        }
        if ((r = presentAs(DEVICE_TYPE, Kind.STRING)) != null) {
            return reject(r, deviceId, DEVICE_TYPE);
        }
        if (type == null) {
            return reject(RejectReason.UNKNOWN_DEVICE_TYPE, deviceId, DEVICE_TYPE);
        }
        if ((r = integer(SEQ, true, 0, WireFields.SEQ_LIMIT_EXCLUSIVE - 1)) != null) {
            return reject(r, deviceId, SEQ);
        }
        if ((r = integer(TS, true, 0, Long.MAX_VALUE)) != null) { // telemetry-v1: ts must be >= 0
            return reject(r, deviceId, TS);
        }
        if ((r = presentAs(M, Kind.OBJECT)) != null) {
            return reject(r, deviceId, M);
        }
        if ((r = optionalText(MODEL, 64)) != null) {
            return reject(r, deviceId, MODEL);
        }
        if ((r = optionalText(COLLECTOR_ID, 64)) != null) {
            return reject(r, deviceId, COLLECTOR_ID);
        }
        if ((r = careUnit()) != null) {
            return reject(r, deviceId, CARE_UNIT);
        }
        if ((r = optionalText(FW, 32)) != null) {
            return reject(r, deviceId, FW);
        }
        if ((r = integer(SETTINGS_VERSION, false, 0, Long.MAX_VALUE)) != null) {
            return reject(r, deviceId, SETTINGS_VERSION);
        }
        for (FieldSpec f : WireFields.metricArrayOf(type)) {
            if ((r = metric(f)) != null) {
                return reject(r, deviceId, f.slot());
            }
        }
        if (stateIndex(type) < 0) {
            return new DecodeResult.Rejected(RejectReason.OUT_OF_RANGE, deviceId, "m.state");
        }
        // "more than 300 s ahead": now + 300 000 ms exactly is accepted. Saturating add: no overflow near MAX_VALUE.
        long latestAcceptedMillis = nowMillis > Long.MAX_VALUE - MAX_FUTURE_SKEW_MILLIS
                ? Long.MAX_VALUE
                : nowMillis + MAX_FUTURE_SKEW_MILLIS;
        if (longs[TS] > latestAcceptedMillis) {
            return reject(RejectReason.FUTURE_TIMESTAMP, deviceId, TS);
        }
        return new DecodeResult.Decoded(build(deviceId, type));
    }

    /**
     * DUPLICATE_FIELD: envelope fields in table order, then metrics. A metric of the other device type is unknown
     * (ignored, even when repeated). Ambiguity: when deviceType does not name a known type there is no "other"
     * type, so every metric name of either table counts as known; reading it that way keeps a repeated known name
     * from slipping through just because deviceType is also broken (see docs/decoder.md).
     */
    private DecodeResult duplicate(String deviceId, DeviceType type) {
        for (int slot = 0; slot < WireFields.ENVELOPE_SLOTS; slot++) {
            if (count(slot) > 1) {
                return reject(RejectReason.DUPLICATE_FIELD, deviceId, slot);
            }
        }
        FieldSpec[] known = type == null ? WireFields.ALL_METRIC_ARRAY : WireFields.metricArrayOf(type);
        for (FieldSpec f : known) {
            if (count(f.slot()) > 1) {
                return reject(RejectReason.DUPLICATE_FIELD, deviceId, f.slot());
            }
        }
        return null;
    }

    private static DecodeResult reject(RejectReason reason, String deviceId, int slot) {
        return new DecodeResult.Rejected(reason, deviceId, WireFields.label(slot));
    }

    /** Index of the state value in the type's state enum, or -1 when it is not one of the type's values. */
    private int stateIndex(DeviceType type) {
        int code = (int) longs[STATE];
        if (type == DeviceType.INFUSION_PUMP) {
            return code >= 1 && code <= PUMP_STATES.length ? code - 1 : -1;
        }
        return code >= 17 && code <= 16 + DIALYSIS_STATES.length ? code - 17 : -1;
    }

    /** MISSING_FIELD or WRONG_TYPE for a required field of the given kind; null when it is fine. */
    private RejectReason presentAs(int slot, Kind expected) {
        Kind k = kind(slot);
        if (k == Kind.ABSENT) {
            return RejectReason.MISSING_FIELD;
        }
        return k == expected ? null : RejectReason.WRONG_TYPE;
    }

    /**
     * A JSON integer: no fraction, no exponent ("1.0" and "1e3" are WRONG_TYPE, as the spec says for seq, ts and
     * settingsVersion). An integer beyond 64 bits is OUT_OF_RANGE.
     */
    private RejectReason integer(int slot, boolean required, long min, long max) {
        Kind k = kind(slot);
        if (k == Kind.ABSENT || k == Kind.NULL) {
            if (!required) {
                return null;
            }
            return k == Kind.ABSENT ? RejectReason.MISSING_FIELD : RejectReason.WRONG_TYPE;
        }
        if (k == Kind.BIG_INTEGER) {
            return RejectReason.OUT_OF_RANGE;
        }
        if (k != Kind.INTEGER) {
            return RejectReason.WRONG_TYPE;
        }
        long v = longs[slot];
        return v < min || v > max ? RejectReason.OUT_OF_RANGE : null;
    }

    private RejectReason optionalText(int slot, int maxChars) {
        Kind k = kind(slot);
        if (k == Kind.ABSENT || k == Kind.NULL) {
            return null;
        }
        if (k != Kind.STRING) {
            return RejectReason.WRONG_TYPE;
        }
        // "lengths in characters": Unicode code points, so a character outside the BMP counts once.
        String s = strings[slot];
        return s.codePointCount(0, s.length()) > maxChars ? RejectReason.OUT_OF_RANGE : null;
    }

    private RejectReason careUnit() {
        Kind k = kind(CARE_UNIT);
        if (k == Kind.ABSENT || k == Kind.NULL) {
            return null;
        }
        if (k != Kind.STRING) {
            return RejectReason.WRONG_TYPE;
        }
        return Ids.isCareUnit(strings[CARE_UNIT]) ? null : RejectReason.OUT_OF_RANGE;
    }

    private RejectReason metric(FieldSpec f) {
        int slot = f.slot();
        Kind k = kind(slot);
        if (k == Kind.ABSENT || k == Kind.NULL) {
            if (!f.required()) {
                return null;
            }
            return k == Kind.ABSENT ? RejectReason.MISSING_FIELD : RejectReason.WRONG_TYPE;
        }
        switch (f.kind()) {
            case STRING -> {
                if (k != Kind.STRING) {
                    return RejectReason.WRONG_TYPE;
                }
                // The only string metric besides state (checked on its own): infusionId, whose pattern and length
                // limit came with v1.1 (telemetry-v1.md); against them it is OUT_OF_RANGE, like careUnit.
                return slot == STATE || Ids.isInfusionId(strings[slot]) ? null : RejectReason.OUT_OF_RANGE;
            }
            case BOOLEAN -> {
                return k == Kind.BOOLEAN ? null : RejectReason.WRONG_TYPE;
            }
            case NUMBER -> {
                double v;
                if (k == Kind.INTEGER) {
                    v = longs[slot];
                    doubles[slot] = v;
                } else if (k == Kind.DECIMAL) {
                    if (beyondBound[slot]) {
                        return RejectReason.OUT_OF_RANGE;
                    }
                    v = doubles[slot];
                } else if (k == Kind.BIG_INTEGER) {
                    return RejectReason.OUT_OF_RANGE;
                } else {
                    return RejectReason.WRONG_TYPE;
                }
                return v >= f.min() && v <= f.max() ? null : RejectReason.OUT_OF_RANGE;
            }
            default -> throw new IllegalStateException("no metric of kind " + f.kind());
        }
    }

    /** The deviceId when it was read once as a valid id; else null. */
    private String readableDeviceId() {
        if (kind(DEVICE_ID) != Kind.STRING || count(DEVICE_ID) != 1) {
            return null;
        }
        String id = strings[DEVICE_ID];
        return Ids.isDeviceId(id) ? id : null;
    }

    // ---- building the immutable record -------------------------------------------------------------------

    private TelemetryRecord build(String deviceId, DeviceType type) {
        Envelope envelope = new Envelope(
                deviceId,
                type,
                longs[SEQ],
                longs[TS],
                optString(MODEL),
                optString(COLLECTOR_ID),
                optString(CARE_UNIT),
                optString(FW),
                kind(SETTINGS_VERSION) == Kind.INTEGER ? Long.valueOf(longs[SETTINGS_VERSION]) : null);
        if (type == DeviceType.INFUSION_PUMP) {
            FieldSpec[] f = WireFields.PUMP_METRIC_ARRAY;
            return new PumpRecord(envelope, new PumpMetrics(
                    PUMP_STATES[stateIndex(type)],
                    num(f[1]),
                    num(f[2]),
                    num(f[3]),
                    num(f[4]),
                    num(f[5]),
                    bool(f[6]),
                    optString(f[7].slot()),
                    optNum(f[8]),
                    optBool(f[9])));
        }
        FieldSpec[] f = WireFields.DIALYSIS_METRIC_ARRAY;
        return new DialysisRecord(envelope, new DialysisMetrics(
                DIALYSIS_STATES[stateIndex(type)],
                num(f[1]),
                num(f[2]),
                num(f[3]),
                num(f[4]),
                num(f[5]),
                num(f[6]),
                num(f[7]),
                num(f[8]),
                num(f[9]),
                num(f[10]),
                num(f[11]),
                num(f[12]),
                num(f[13]),
                num(f[14]),
                num(f[15]),
                optNum(f[16]),
                optBool(f[17])));
    }

    private String optString(int slot) {
        return kind(slot) == Kind.STRING ? strings[slot] : null;
    }

    private double num(FieldSpec f) {
        return doubles[f.slot()]; // integers were widened into doubles during validation
    }

    /* +0.0, the usual airInLineUl: one shared box instead of one per record (Double.valueOf caches nothing). */
    private static final Double POSITIVE_ZERO = 0.0;

    private Double optNum(FieldSpec f) {
        Kind k = kind(f.slot());
        if (k != Kind.INTEGER && k != Kind.DECIMAL) {
            return null;
        }
        double v = doubles[f.slot()];
        return Double.doubleToRawLongBits(v) == 0 ? POSITIVE_ZERO : Double.valueOf(v); // -0.0 keeps its own box
    }

    private boolean bool(FieldSpec f) {
        return longs[f.slot()] == 1;
    }

    private Boolean optBool(FieldSpec f) {
        return kind(f.slot()) == Kind.BOOLEAN ? Boolean.valueOf(longs[f.slot()] == 1) : null;
    }
}

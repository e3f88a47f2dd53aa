package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.telemetry.RawRecord.NOW_MILLIS;
import static vigil.telemetry.RawRecord.dialysis;
import static vigil.telemetry.RawRecord.pump;
import static vigil.telemetry.RejectReason.BAD_DEVICE_ID;
import static vigil.telemetry.RejectReason.DUPLICATE_FIELD;
import static vigil.telemetry.RejectReason.FUTURE_TIMESTAMP;
import static vigil.telemetry.RejectReason.MISSING_FIELD;
import static vigil.telemetry.RejectReason.NOT_JSON;
import static vigil.telemetry.RejectReason.NOT_UTF8;
import static vigil.telemetry.RejectReason.OUT_OF_RANGE;
import static vigil.telemetry.RejectReason.TOO_LARGE;
import static vigil.telemetry.RejectReason.UNKNOWN_DEVICE_TYPE;
import static vigil.telemetry.RejectReason.UNKNOWN_SCHEMA;
import static vigil.telemetry.RejectReason.WRONG_TYPE;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per malformed payload of telemetry-v1.md, "Precise rejection rules": each row asserts the exact reason
 * code, the field named in the rejection (or none) and the device id the rejection counts against.
 */
class TelemetryDecoderRejectionTest {
    private static final String PUMP_ID = "PUMP-0042";
    private static final String HD_ID = "HD-0007";

    /**
     * @param description what is wrong, in words
     * @param payload     the bytes handed to the decoder
     * @param reason      the expected reason code
     * @param field       the field the rejection names, or {@code null}
     * @param deviceId    the device id the rejection counts against, or {@code null}
     */
    record Case(String description, byte[] payload, RejectReason reason, String field, String deviceId) {
        @Override
        public String toString() {
            return description + " -> " + reason + (field == null ? "" : " " + field);
        }
    }

    private static Case pumpCase(String description, RawRecord r, RejectReason reason, String field) {
        return new Case(description, r.bytes(), reason, field, PUMP_ID);
    }

    /** Raw text that is not JSON, but whose deviceId the parser read before it failed. */
    private static Case pumpText(String description, String text, RejectReason reason, String field) {
        return new Case(description, text.getBytes(StandardCharsets.UTF_8), reason, field, PUMP_ID);
    }

    private static Case hdCase(String description, RawRecord r, RejectReason reason, String field) {
        return new Case(description, r.bytes(), reason, field, HD_ID);
    }

    private static Case raw(String description, byte[] payload, RejectReason reason) {
        return new Case(description, payload, reason, null, null);
    }

    private static Case raw(String description, String payload, RejectReason reason) {
        return raw(description, payload.getBytes(StandardCharsets.UTF_8), reason);
    }

    /** A valid pump record whose model string holds the given raw bytes (to plant bad UTF-8). */
    private static byte[] pumpWithModelBytes(int... modelBytes) {
        String json = pump().field("model", "\"@@\"").json();
        int at = json.indexOf("@@");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int b : modelBytes) {
            out.write(b);
        }
        out.writeBytes(json.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@code depth} nested arrays: depth 1 is {@code []}. */
    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static Stream<Case> malformed() {
        return Stream.of(sizeAndEncoding(), syntax(), duplicates(), envelope(), optionalEnvelope(), metrics(),
                        stateAndTime(), checkOrder())
                .flatMap(List::stream);
    }

    private static List<Case> sizeAndEncoding() {
        byte[] tooLargeGarbage = new byte[TelemetryDecoder.MAX_RECORD_BYTES + 1];
        java.util.Arrays.fill(tooLargeGarbage, (byte) 0xFF);
        return List.of(
                raw("valid record of 16385 bytes", pump().paddedTo(16_385), TOO_LARGE),
                raw("16385 bytes that are neither UTF-8 nor JSON: size is checked first", tooLargeGarbage, TOO_LARGE),
                raw("stray continuation byte", pumpWithModelBytes(0x80), NOT_UTF8),
                raw("overlong two-byte '/' (C0 AF)", pumpWithModelBytes(0xC0, 0xAF), NOT_UTF8),
                raw("overlong three-byte '/' (E0 80 AF)", pumpWithModelBytes(0xE0, 0x80, 0xAF), NOT_UTF8),
                raw("overlong four-byte '/' (F0 80 80 AF)", pumpWithModelBytes(0xF0, 0x80, 0x80, 0xAF), NOT_UTF8),
                raw("UTF-8 encoded high surrogate U+D800 (ED A0 80)", pumpWithModelBytes(0xED, 0xA0, 0x80), NOT_UTF8),
                raw("UTF-8 encoded low surrogate U+DFFF (ED BF BF)", pumpWithModelBytes(0xED, 0xBF, 0xBF), NOT_UTF8),
                raw("code point above U+10FFFF (F4 90 80 80)", pumpWithModelBytes(0xF4, 0x90, 0x80, 0x80), NOT_UTF8),
                raw("lead byte F5", pumpWithModelBytes(0xF5, 0x80, 0x80, 0x80), NOT_UTF8),
                raw("truncated three-byte sequence at the end", new byte[] {'{', '}', (byte) 0xE2, (byte) 0x82},
                        NOT_UTF8),
                raw("Latin-1 byte in broken JSON: UTF-8 is checked before syntax", new byte[] {'{', (byte) 0xE9},
                        NOT_UTF8));
    }

    private static List<Case> syntax() {
        String valid = pump().json();
        return List.of(
                raw("empty payload", "", NOT_JSON),
                raw("only whitespace", " \r\n\t", NOT_JSON),
                pumpText("truncated object", valid.substring(0, valid.length() - 1), NOT_JSON, null),
                pumpCase("NaN as a metric", pump().metric("rateMlPerHr", "NaN"), NOT_JSON, null),
                pumpCase("Infinity as a metric", pump().metric("pressureMmHg", "Infinity"), NOT_JSON, null),
                pumpCase("-Infinity as a metric", pump().metric("pressureMmHg", "-Infinity"), NOT_JSON, null),
                pumpCase("NaN in an unknown field", pump().field("extra", "NaN"), NOT_JSON, null),
                raw("top-level array", "[" + valid + "]", NOT_JSON),
                raw("top-level string", "\"vigil.telemetry.v1\"", NOT_JSON),
                raw("top-level null", "null", NOT_JSON),
                pumpText("trailing garbage after the object", valid + "x", NOT_JSON, null),
                pumpText("a second object after the first", valid + "{}", NOT_JSON, null),
                pumpCase("nesting depth 9 in an unknown envelope field", pump().field("ext", nested(8)), NOT_JSON,
                        null),
                pumpCase("nesting depth 9 in an unknown metric", pump().metric("ext", nested(7)), NOT_JSON, null),
                pumpCase("nesting depth 9 in a known field of the wrong type", pump().field("model", nested(8)),
                        NOT_JSON, null),
                raw("record encoded as UTF-16LE (valid UTF-8 byte by byte)",
                        valid.getBytes(StandardCharsets.UTF_16LE), NOT_JSON),
                raw("UTF-8 byte order mark before the object", "\uFEFF" + valid, NOT_JSON),
                raw("single-quoted strings", valid.replace('"', '\''), NOT_JSON),
                pumpText("trailing comma in the object", valid.substring(0, valid.length() - 1) + ",}", NOT_JSON, null),
                raw("comment before the object", "/* c */" + valid, NOT_JSON),
                pumpCase("number with a leading zero", pump().field("seq", "018231"), NOT_JSON, null),
                pumpCase("number with a leading plus", pump().metric("batteryPct", "+97"), NOT_JSON, null),
                pumpCase("raw control character in a string", pump().field("model", "\"LVP\t200\""), NOT_JSON, null),
                pumpCase("unknown escape in a string", pump().field("model", "\"LVP\\x200\""), NOT_JSON, null),
                pumpText("NUL byte after the object", valid + "\u0000", NOT_JSON, null),
                pumpText("a repeated field in invalid JSON is NOT_JSON, not DUPLICATE_FIELD",
                        pump().addField("seq", "1").json() + "]", NOT_JSON, null));
    }

    private static List<Case> duplicates() {
        return List.of(
                pumpCase("seq twice", pump().addField("seq", "18232"), DUPLICATE_FIELD, "seq"),
                pumpCase("schema twice with the same value",
                        pump().addField("schema", "\"vigil.telemetry.v1\""), DUPLICATE_FIELD, "schema"),
                pumpCase("m twice", pump().addField("m", "{}"), DUPLICATE_FIELD, "m"),
                pumpCase("optional model twice, once null", pump().field("model", "null").addField("model", "\"A\""),
                        DUPLICATE_FIELD, "model"),
                pumpText("same name spelled with an escape (sch\\u0065ma)",
                        pump().addField("ESCAPED", "\"vigil.telemetry.v1\"").json()
                                .replace("\"ESCAPED\"", "\"sch\\u0065ma\""), DUPLICATE_FIELD, "schema"),
                pumpCase("pump metric twice", pump().addMetric("rateMlPerHr", "1"), DUPLICATE_FIELD,
                        "m.rateMlPerHr"),
                pumpCase("optional pump metric twice", pump().metric("doorOpen", "true").addMetric("doorOpen", "1"),
                        DUPLICATE_FIELD, "m.doorOpen"),
                pumpCase("state twice", pump().addMetric("state", "\"running\""), DUPLICATE_FIELD, "m.state"),
                hdCase("dialysis metric twice", dialysis().addMetric("filterHours", "1"), DUPLICATE_FIELD,
                        "m.filterHours"),
                pumpCase("repeated field before a wrong schema: duplicates come first",
                        pump().field("schema", "\"v2\"").addField("fw", "\"1\"").addField("fw", "\"2\""),
                        DUPLICATE_FIELD, "fw"),
                new Case("repeated dialysis metric when deviceType is unknown (both tables are known)",
                        dialysis().field("deviceType", "\"ventilator\"").addMetric("filterHours", "1").bytes(),
                        DUPLICATE_FIELD, "m.filterHours", HD_ID),
                new Case("deviceId twice: the id is not trusted",
                        pump().addField("deviceId", RawRecord.quote(PUMP_ID)).bytes(), DUPLICATE_FIELD, "deviceId",
                        null));
    }

    private static List<Case> envelope() {
        String beyond64Bits = "9223372036854775808";
        return List.of(
                pumpCase("schema of another version", pump().field("schema", "\"vigil.telemetry.v2\""),
                        UNKNOWN_SCHEMA, "schema"),
                pumpCase("schema in another case", pump().field("schema", "\"VIGIL.TELEMETRY.V1\""), UNKNOWN_SCHEMA,
                        "schema"),
                pumpCase("schema missing", pump().without("schema"), MISSING_FIELD, "schema"),
                pumpCase("schema null (required)", pump().field("schema", "null"), WRONG_TYPE, "schema"),
                pumpCase("schema a number", pump().field("schema", "1"), WRONG_TYPE, "schema"),
                new Case("deviceId missing", pump().without("deviceId").bytes(), MISSING_FIELD, "deviceId", null),
                new Case("deviceId a number", pump().field("deviceId", "42").bytes(), WRONG_TYPE, "deviceId", null),
                badId("deviceId of 2 characters", "\"AB\""),
                badId("deviceId of 65 characters", RawRecord.quote("A".repeat(65))),
                badId("deviceId starting with '-'", "\"-PUMP-1\""),
                badId("deviceId with a space", "\"PUMP 0042\""),
                badId("deviceId with a trailing newline", "\"PUMP-0042\\n\""),
                badId("deviceId with a non-ASCII letter", "\"PUMP-\u00c4042\""),
                badId("deviceId empty", "\"\""),
                pumpCase("deviceType missing", pump().without("deviceType"), MISSING_FIELD, "deviceType"),
                pumpCase("deviceType a boolean", pump().field("deviceType", "true"), WRONG_TYPE, "deviceType"),
                pumpCase("deviceType unknown", pump().field("deviceType", "\"ventilator\""), UNKNOWN_DEVICE_TYPE,
                        "deviceType"),
                pumpCase("deviceType in another case", pump().field("deviceType", "\"INFUSION_PUMP\""),
                        UNKNOWN_DEVICE_TYPE, "deviceType"),
                pumpCase("seq missing", pump().without("seq"), MISSING_FIELD, "seq"),
                pumpCase("seq null (required)", pump().field("seq", "null"), WRONG_TYPE, "seq"),
                pumpCase("seq with a fraction (1.0)", pump().field("seq", "1.0"), WRONG_TYPE, "seq"),
                pumpCase("seq with an exponent (1e3)", pump().field("seq", "1e3"), WRONG_TYPE, "seq"),
                pumpCase("seq as a numeric string", pump().field("seq", "\"18231\""), WRONG_TYPE, "seq"),
                pumpCase("seq negative", pump().field("seq", "-1"), OUT_OF_RANGE, "seq"),
                pumpCase("seq = 2^53", pump().field("seq", "9007199254740992"), OUT_OF_RANGE, "seq"),
                pumpCase("seq beyond 64 bits", pump().field("seq", beyond64Bits), OUT_OF_RANGE, "seq"),
                pumpCase("seq of 2000 digits", pump().field("seq", "9".repeat(2000)), OUT_OF_RANGE, "seq"),
                pumpCase("ts missing", pump().without("ts"), MISSING_FIELD, "ts"),
                pumpCase("ts as a numeric string", pump().field("ts", "\"1795340400123\""), WRONG_TYPE, "ts"),
                pumpCase("ts with an exponent", pump().field("ts", "1.795340400123E12"), WRONG_TYPE, "ts"),
                pumpCase("ts negative", pump().field("ts", "-1"), OUT_OF_RANGE, "ts"),
                pumpCase("ts beyond 64 bits", pump().field("ts", beyond64Bits), OUT_OF_RANGE, "ts"),
                pumpCase("m missing", pump().rawMetrics(null), MISSING_FIELD, "m"),
                pumpCase("m null (required)", pump().rawMetrics("null"), WRONG_TYPE, "m"),
                pumpCase("m an array", pump().rawMetrics("[]"), WRONG_TYPE, "m"),
                pumpCase("m a string", pump().rawMetrics("\"{}\""), WRONG_TYPE, "m"));
    }

    private static Case badId(String description, String rawId) {
        return new Case(description, pump().field("deviceId", rawId).bytes(), BAD_DEVICE_ID, "deviceId", null);
    }

    private static List<Case> optionalEnvelope() {
        String emoji = "\uD83D\uDE00"; // U+1F600: one character, two UTF-16 units, four UTF-8 bytes
        return List.of(
                pumpCase("model a number", pump().field("model", "200"), WRONG_TYPE, "model"),
                pumpCase("model of 65 characters", pump().field("model", RawRecord.quote("M".repeat(65))),
                        OUT_OF_RANGE, "model"),
                pumpCase("model of 65 characters outside the BMP", pump().field("model",
                        RawRecord.quote(emoji.repeat(65))), OUT_OF_RANGE, "model"),
                pumpCase("collectorId of 65 characters",
                        pump().field("collectorId", RawRecord.quote("c".repeat(65))), OUT_OF_RANGE, "collectorId"),
                pumpCase("collectorId an object", pump().field("collectorId", "{}"), WRONG_TYPE, "collectorId"),
                pumpCase("careUnit empty", pump().field("careUnit", "\"\""), OUT_OF_RANGE, "careUnit"),
                pumpCase("careUnit of 33 characters", pump().field("careUnit", RawRecord.quote("U".repeat(33))),
                        OUT_OF_RANGE, "careUnit"),
                pumpCase("careUnit with a space", pump().field("careUnit", "\"ICU 4A\""), OUT_OF_RANGE, "careUnit"),
                pumpCase("careUnit with a non-ASCII letter", pump().field("careUnit", "\"ICU-\u00c4\""), OUT_OF_RANGE,
                        "careUnit"),
                pumpCase("careUnit a number", pump().field("careUnit", "4"), WRONG_TYPE, "careUnit"),
                pumpCase("fw of 33 characters", pump().field("fw", RawRecord.quote("1".repeat(33))), OUT_OF_RANGE,
                        "fw"),
                pumpCase("fw of 33 two-byte characters", pump().field("fw", RawRecord.quote("\u00e9".repeat(33))),
                        OUT_OF_RANGE, "fw"),
                pumpCase("settingsVersion with a fraction", pump().field("settingsVersion", "2.0"), WRONG_TYPE,
                        "settingsVersion"),
                pumpCase("settingsVersion with an exponent", pump().field("settingsVersion", "2E0"), WRONG_TYPE,
                        "settingsVersion"),
                pumpCase("settingsVersion as a numeric string", pump().field("settingsVersion", "\"3\""),
                        WRONG_TYPE, "settingsVersion"),
                pumpCase("settingsVersion negative", pump().field("settingsVersion", "-1"), OUT_OF_RANGE,
                        "settingsVersion"),
                pumpCase("settingsVersion beyond 64 bits", pump().field("settingsVersion", "18446744073709551616"),
                        OUT_OF_RANGE, "settingsVersion"));
    }

    private static List<Case> metrics() {
        return List.of(
                pumpCase("state missing", pump().withoutMetric("state"), MISSING_FIELD, "m.state"),
                pumpCase("state a number", pump().metric("state", "1"), WRONG_TYPE, "m.state"),
                pumpCase("required metric missing (onMains)", pump().withoutMetric("onMains"), MISSING_FIELD,
                        "m.onMains"),
                pumpCase("required metric null", pump().metric("rateMlPerHr", "null"), WRONG_TYPE, "m.rateMlPerHr"),
                pumpCase("number as a numeric string", pump().metric("rateMlPerHr", "\"125.0\""), WRONG_TYPE,
                        "m.rateMlPerHr"),
                pumpCase("boolean as a string", pump().metric("onMains", "\"true\""), WRONG_TYPE, "m.onMains"),
                pumpCase("boolean as a number", pump().metric("onMains", "1"), WRONG_TYPE, "m.onMains"),
                pumpCase("optional string metric a number", pump().metric("infusionId", "7781"), WRONG_TYPE,
                        "m.infusionId"),
                // v1.1: infusionId ^[A-Za-z0-9._:-]{1,64}$; against it OUT_OF_RANGE, like an optional string over
                // its length.
                pumpCase("infusionId empty (v1.1)", pump().metric("infusionId", "\"\""), OUT_OF_RANGE,
                        "m.infusionId"),
                pumpCase("infusionId with a space (v1.1)", pump().metric("infusionId", "\"inf 7781\""),
                        OUT_OF_RANGE, "m.infusionId"),
                pumpCase("infusionId with a non-ASCII letter (v1.1)", pump().metric("infusionId", "\"inf-\u00e9\""),
                        OUT_OF_RANGE, "m.infusionId"),
                pumpCase("infusionId of 65 characters (v1.1)",
                        pump().metric("infusionId", "\"" + "a".repeat(65) + "\""), OUT_OF_RANGE, "m.infusionId"),
                pumpCase("optional boolean metric a string", pump().metric("doorOpen", "\"false\""), WRONG_TYPE,
                        "m.doorOpen"),
                pumpCase("rate above 1200", pump().metric("rateMlPerHr", "1200.5"), OUT_OF_RANGE, "m.rateMlPerHr"),
                pumpCase("rate below 0", pump().metric("rateMlPerHr", "-0.1"), OUT_OF_RANGE, "m.rateMlPerHr"),
                pumpCase("pressure below -100", pump().metric("pressureMmHg", "-101"), OUT_OF_RANGE,
                        "m.pressureMmHg"),
                pumpCase("battery a hair above 100 that rounds to 100.0 as a double",
                        pump().metric("batteryPct", "100.00000000000000001"), OUT_OF_RANGE, "m.batteryPct"),
                pumpCase("battery a hair below 0 that rounds to -0.0 as a double",
                        pump().metric("batteryPct", "-1e-400"), OUT_OF_RANGE, "m.batteryPct"),
                pumpCase("battery below 0 by less than any double, exponent beyond BigDecimal's range",
                        pump().metric("batteryPct", "-1e-19007199254740992"), OUT_OF_RANGE, "m.batteryPct"),
                pumpCase("number that overflows a double (1e400)", pump().metric("vtbiMl", "1e400"), OUT_OF_RANGE,
                        "m.vtbiMl"),
                pumpCase("integer metric beyond 64 bits", pump().metric("infusedMl", "99999999999999999999"),
                        OUT_OF_RANGE, "m.infusedMl"),
                pumpCase("optional air above 10000", pump().metric("airInLineUl", "10001"), OUT_OF_RANGE,
                        "m.airInLineUl"),
                hdCase("dialysis required metric missing", dialysis().withoutMetric("filterHours"), MISSING_FIELD,
                        "m.filterHours"),
                hdCase("dialysate temperature below 20", dialysis().metric("dialysateTempC", "19.99"), OUT_OF_RANGE,
                        "m.dialysateTempC"),
                hdCase("arterial pressure below -500", dialysis().metric("arterialPressureMmHg", "-501"),
                        OUT_OF_RANGE, "m.arterialPressureMmHg"),
                hdCase("operating hours above 1000000", dialysis().metric("operatingHours", "1000001"),
                        OUT_OF_RANGE, "m.operatingHours"),
                hdCase("optional number metric as a numeric string", dialysis().metric("operatingHours", "\"12\""),
                        WRONG_TYPE, "m.operatingHours"),
                hdCase("optional boolean metric as a number", dialysis().metric("bloodLeak", "0"), WRONG_TYPE,
                        "m.bloodLeak"));
    }

    private static List<Case> stateAndTime() {
        return List.of(
                pumpCase("unknown pump state", pump().metric("state", "\"infusing\""), OUT_OF_RANGE, "m.state"),
                pumpCase("pump state in another case", pump().metric("state", "\"Running\""), OUT_OF_RANGE,
                        "m.state"),
                hdCase("pump state in a dialysis record", dialysis().metric("state", "\"running\""), OUT_OF_RANGE,
                        "m.state"),
                pumpCase("ts 300001 ms ahead of the clock",
                        pump().field("ts", Long.toString(NOW_MILLIS + 300_001)), FUTURE_TIMESTAMP, "ts"),
                pumpCase("ts = Long.MAX_VALUE", pump().field("ts", Long.toString(Long.MAX_VALUE)), FUTURE_TIMESTAMP,
                        "ts"));
    }

    private static List<Case> checkOrder() {
        String future = Long.toString(NOW_MILLIS + 300_001);
        return List.of(
                new Case("wrong schema and bad deviceId: schema first",
                        pump().field("schema", "\"x\"").field("deviceId", "\"-\"").bytes(), UNKNOWN_SCHEMA,
                        "schema", null),
                new Case("bad deviceId and unknown deviceType: deviceId first",
                        pump().field("deviceId", "\"-\"").field("deviceType", "\"x\"").bytes(), BAD_DEVICE_ID,
                        "deviceId", null),
                pumpCase("unknown deviceType and seq missing: deviceType first",
                        pump().field("deviceType", "\"x\"").without("seq"), UNKNOWN_DEVICE_TYPE, "deviceType"),
                pumpCase("seq of wrong type and ts missing: seq first", pump().field("seq", "1.5").without("ts"),
                        WRONG_TYPE, "seq"),
                pumpCase("ts negative and m missing: ts first", pump().field("ts", "-5").rawMetrics(null),
                        OUT_OF_RANGE, "ts"),
                pumpCase("m missing and model too long: m first",
                        pump().rawMetrics(null).field("model", RawRecord.quote("M".repeat(65))), MISSING_FIELD, "m"),
                pumpCase("fw too long and model too long: table order, model first",
                        pump().field("fw", RawRecord.quote("1".repeat(33)))
                                .field("model", RawRecord.quote("M".repeat(65))), OUT_OF_RANGE, "model"),
                pumpCase("settingsVersion wrong and a metric missing: envelope first",
                        pump().field("settingsVersion", "1.5").withoutMetric("onMains"), WRONG_TYPE,
                        "settingsVersion"),
                pumpCase("vtbi out of range and rate of wrong type: table order, rate first",
                        pump().metric("vtbiMl", "-1").metric("rateMlPerHr", "true"), WRONG_TYPE, "m.rateMlPerHr"),
                pumpCase("unknown state and a metric missing: metrics before the state value",
                        pump().metric("state", "\"x\"").withoutMetric("batteryPct"), MISSING_FIELD, "m.batteryPct"),
                pumpCase("unknown state and future ts: state value first",
                        pump().metric("state", "\"x\"").field("ts", future), OUT_OF_RANGE, "m.state"),
                hdCase("future ts and an out-of-range optional metric: metrics first",
                        dialysis().field("ts", future).metric("bloodLeak", "\"no\""), WRONG_TYPE, "m.bloodLeak"));
    }

    private final TelemetryDecoder decoder = new TelemetryDecoder();

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldRejectWithTheReasonOfTheFirstFailingCheck(Case c) {
        DecodeResult result = decoder.decode(c.payload(), NOW_MILLIS);

        assertThat(result).isEqualTo(new DecodeResult.Rejected(c.reason(), c.deviceId(), c.field()));
    }

    @Test
    void shouldCoverEveryReasonCodeTheDecoderCanGive() {
        Set<RejectReason> covered = malformed().map(Case::reason).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(RejectReason.class)));

        assertThat(covered).isEqualTo(EnumSet.complementOf(EnumSet.of(RejectReason.DEVICE_TYPE_CHANGED)));
        assertThat(malformed().map(Case::description).distinct().count())
                .isEqualTo(malformed().count())
                .isGreaterThanOrEqualTo(40);
    }
}

package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.telemetry.RawRecord.NOW_MILLIS;
import static vigil.telemetry.RawRecord.TS_MILLIS;
import static vigil.telemetry.RawRecord.dialysis;
import static vigil.telemetry.RawRecord.pump;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Valid edge cases of telemetry-v1: everything here must decode, to exactly the expected record. */
class TelemetryDecoderAcceptanceTest {
    private final TelemetryDecoder decoder = new TelemetryDecoder();

    private TelemetryRecord decoded(byte[] payload) {
        DecodeResult result = decoder.decode(payload, NOW_MILLIS);
        assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).record();
    }

    private TelemetryRecord decoded(RawRecord r) {
        return decoded(r.bytes());
    }

    private static final PumpMetrics MINIMAL_PUMP_METRICS =
            new PumpMetrics(PumpState.RUNNING, 125.0, 412.6, 587.4, 85, 97, true, null, null, null);
    private static final DialysisMetrics MINIMAL_DIALYSIS_METRICS = new DialysisMetrics(DialysisState.TREATMENT,
            300, 500, -150.5, 140, 60, 14.0, 14.1, 36.5, 36.6, 1200, 2500, 4000, 95, 240, 310.25, null, null);

    @Test
    void shouldDecodeTheSpecExampleToEveryFieldItCarries() {
        String example = "{\"schema\":\"vigil.telemetry.v1\",\"deviceId\":\"PUMP-0042\",\"deviceType\":\"infusion_pump\",\n"
                + " \"seq\":18231,\"ts\":1795340400123,\"careUnit\":\"ICU-4A\",\"model\":\"LVP-200\",\n"
                + " \"m\":{\"state\":\"running\",\"rateMlPerHr\":125.0,\"infusedMl\":412.6,\"vtbiMl\":587.4,\n"
                + "      \"pressureMmHg\":85,\"batteryPct\":97,\"onMains\":true,\"infusionId\":\"inf-7781\"}}";

        TelemetryRecord record = decoded(example.getBytes(StandardCharsets.UTF_8));

        assertThat(record).isEqualTo(new PumpRecord(
                new Envelope("PUMP-0042", DeviceType.INFUSION_PUMP, 18231, 1795340400123L, "LVP-200", null, "ICU-4A",
                        null, null),
                new PumpMetrics(PumpState.RUNNING, 125.0, 412.6, 587.4, 85, 97, true, "inf-7781", null, null)));
    }

    @Test
    void shouldDecodeMinimalPumpRecordWithOptionalFieldsAbsent() {
        assertThat(decoded(pump())).isEqualTo(new PumpRecord(
                Envelope.of("PUMP-0042", DeviceType.INFUSION_PUMP, 18231, TS_MILLIS), MINIMAL_PUMP_METRICS));
    }

    @Test
    void shouldDecodeMinimalDialysisRecordWithOptionalFieldsAbsent() {
        assertThat(decoded(dialysis())).isEqualTo(new DialysisRecord(
                Envelope.of("HD-0007", DeviceType.DIALYSIS, 18231, TS_MILLIS), MINIMAL_DIALYSIS_METRICS));
    }

    @Test
    void shouldDecodeMaximalPumpRecordWithEveryOptionalField() {
        RawRecord r = withOptionalEnvelope(pump())
                .metric("infusionId", "\"inf-7781\"")
                .metric("airInLineUl", "12.5")
                .metric("doorOpen", "false");

        assertThat(decoded(r)).isEqualTo(new PumpRecord(
                maximalEnvelope("PUMP-0042", DeviceType.INFUSION_PUMP),
                new PumpMetrics(PumpState.RUNNING, 125.0, 412.6, 587.4, 85, 97, true, "inf-7781", 12.5, false)));
    }

    @Test
    void shouldDecodeMaximalDialysisRecordWithEveryOptionalField() {
        RawRecord r = withOptionalEnvelope(dialysis())
                .metric("operatingHours", "20456.5")
                .metric("bloodLeak", "true");

        assertThat(decoded(r)).isEqualTo(new DialysisRecord(
                maximalEnvelope("HD-0007", DeviceType.DIALYSIS),
                new DialysisMetrics(DialysisState.TREATMENT, 300, 500, -150.5, 140, 60, 14.0, 14.1, 36.5, 36.6, 1200,
                        2500, 4000, 95, 240, 310.25, 20456.5, true)));
    }

    private static RawRecord withOptionalEnvelope(RawRecord r) {
        return r.field("model", "\"LVP-200\"")
                .field("collectorId", "\"edge-7\"")
                .field("careUnit", "\"ICU-4A\"")
                .field("fw", "\"3.1.4\"")
                .field("settingsVersion", "12");
    }

    private static Envelope maximalEnvelope(String deviceId, DeviceType type) {
        return new Envelope(deviceId, type, 18231, TS_MILLIS, "LVP-200", "edge-7", "ICU-4A", "3.1.4", 12L);
    }

    @Test
    void shouldAcceptNumbersAtABoundWhoseExponentIsBeyondBigDecimalsRange() {
        // Found by fuzzing: the exact comparison at a bound used to throw for these spellings.
        PumpMetrics m = ((PumpRecord) decoded(RawRecord.pump()
                        .metric("rateMlPerHr", "0e19007199254740992")
                        .metric("batteryPct", "1e-19007199254740992")))
                .metrics();

        assertThat(m.rateMlPerHr()).isEqualTo(0.0);
        assertThat(m.batteryPct()).isEqualTo(0.0);
    }

    @Test
    void shouldAcceptInfusionIdsOfTheV11PatternUpTo64Characters() {
        String longest = "a".repeat(63) + ":";
        for (String id : new String[] {"7", "inf-7781", "ORD:2026.11.22_0042", longest}) {
            PumpMetrics m = ((PumpRecord) decoded(pump().metric("infusionId", "\"" + id + "\""))).metrics();
            assertThat(m.infusionId()).as(id).isEqualTo(id);
        }
    }

    @Test
    void shouldTreatNullForOptionalFieldsAsAbsent() {
        RawRecord r = pump().field("model", "null").field("collectorId", "null").field("careUnit", "null")
                .field("fw", "null").field("settingsVersion", "null")
                .metric("infusionId", "null").metric("airInLineUl", "null").metric("doorOpen", "null");

        assertThat(decoded(r)).isEqualTo(decoded(pump()));
    }

    @Test
    void shouldIgnoreUnknownFieldsOfAnyTypeEvenWhenRepeated() {
        RawRecord r = pump()
                .addField("region", "\"eu\"").addField("region", "7").addField("region", "null")
                // The top-level object is level 1, so 7 containers under it reach depth 8, the deepest allowed.
                .addField("ext", "[[[[[[{}]]]]]]")
                .addMetric("flowSensor", "{\"a\":[1,2,{\"b\":null}]}").addMetric("flowSensor", "true")
                .addMetric("ext", "[[[[[{}]]]]]"); // m is level 2: 6 containers under it reach depth 8

        assertThat(decoded(r)).isEqualTo(decoded(pump()));
    }

    @Test
    void shouldIgnoreMetricsOfTheOtherDeviceTypeWhateverTheirType() {
        RawRecord pumpWithDialysisMetrics = pump()
                .addMetric("filterHours", "\"many\"").addMetric("filterHours", "-1")
                .addMetric("bloodLeak", "null").addMetric("dialysateTempC", "{}");
        RawRecord dialysisWithPumpMetrics = dialysis()
                .addMetric("onMains", "42").addMetric("rateMlPerHr", "[true]").addMetric("rateMlPerHr", "99999");

        assertThat(decoded(pumpWithDialysisMetrics)).isEqualTo(decoded(pump()));
        assertThat(decoded(dialysisWithPumpMetrics)).isEqualTo(decoded(dialysis()));
    }

    @Test
    void shouldIgnoreKnownNamesOutsideTheirPlace() {
        // "state" on the envelope and "seq" inside m are unknown names there; repeated, still ignored.
        RawRecord r = pump().addField("state", "1").addField("state", "2").addMetric("seq", "1")
                .addMetric("seq", "\"x\"");

        assertThat(decoded(r)).isEqualTo(decoded(pump()));
    }

    @Test
    void shouldAcceptARecordOfExactly16384Bytes() {
        byte[] payload = pump().paddedTo(TelemetryDecoder.MAX_RECORD_BYTES);

        assertThat(payload).hasSize(16_384);
        assertThat(decoded(payload)).isEqualTo(decoded(pump()));
        assertThat(decoder.decode(pump().paddedTo(16_385), NOW_MILLIS))
                .isEqualTo(new DecodeResult.Rejected(RejectReason.TOO_LARGE, null, null));
    }

    @Test
    void shouldAcceptATimestampExactly300SecondsAhead() {
        long edgeMillis = NOW_MILLIS + 300_000;

        assertThat(decoded(pump().field("ts", Long.toString(edgeMillis))).tsMillis()).isEqualTo(edgeMillis);
        assertThat(decoder.decode(pump().field("ts", Long.toString(edgeMillis + 1)).bytes(), NOW_MILLIS))
                .isEqualTo(new DecodeResult.Rejected(RejectReason.FUTURE_TIMESTAMP, "PUMP-0042", "ts"));
    }

    @Test
    void shouldCountLengthLimitsInCharactersNotBytes() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units, four UTF-8 bytes
        RawRecord r = pump().field("model", RawRecord.quote(emoji.repeat(64)))
                .field("collectorId", RawRecord.quote("\u00e9".repeat(64)))
                .field("fw", RawRecord.quote("\u6f22".repeat(32)));

        Envelope e = decoded(r).envelope();

        assertThat(e.model()).isEqualTo(emoji.repeat(64));
        assertThat(e.collectorId()).isEqualTo("\u00e9".repeat(64));
        assertThat(e.firmware()).isEqualTo("\u6f22".repeat(32));
    }

    @Test
    void shouldAcceptIdentifiersAtTheEdgesOfTheirPatterns() {
        String longestId = "9" + "._-a".repeat(15) + "Zz.";
        RawRecord r = pump().field("deviceId", RawRecord.quote(longestId))
                .field("careUnit", RawRecord.quote("._-".repeat(10) + "aZ"))
                .field("model", "\"\"");

        assertThat(longestId).hasSize(64);
        assertThat(decoded(r).deviceId()).isEqualTo(longestId);
        assertThat(decoded(pump().field("deviceId", "\"a-_\"").field("careUnit", "\"-\"")).deviceId())
                .isEqualTo("a-_");
    }

    @Test
    void shouldAcceptEnvelopeIntegersAtBothEndsOfTheirRanges() {
        RawRecord low = pump().field("seq", "0").field("ts", "0").field("settingsVersion", "0");
        RawRecord high = pump().field("seq", Long.toString((1L << 53) - 1))
                .field("settingsVersion", Long.toString(Long.MAX_VALUE));

        assertThat(decoded(low).envelope()).isEqualTo(
                new Envelope("PUMP-0042", DeviceType.INFUSION_PUMP, 0, 0, null, null, null, null, 0L));
        assertThat(decoded(high).envelope()).isEqualTo(new Envelope("PUMP-0042", DeviceType.INFUSION_PUMP,
                9_007_199_254_740_991L, TS_MILLIS, null, null, null, null, Long.MAX_VALUE));
    }

    @Test
    void shouldDecodeEveryStateValueOfBothDeviceTypes() {
        for (PumpState s : PumpState.values()) {
            PumpRecord r = (PumpRecord) decoded(pump().metric("state", RawRecord.quote(s.wireName())));
            assertThat(r.metrics().state()).isEqualTo(s);
        }
        for (DialysisState s : DialysisState.values()) {
            DialysisRecord r = (DialysisRecord) decoded(dialysis().metric("state", RawRecord.quote(s.wireName())));
            assertThat(r.metrics().state()).isEqualTo(s);
        }
    }

    @Test
    void shouldDecodeASliceOfALargerBuffer() {
        byte[] payload = pump().bytes();
        byte[] buffer = new byte[payload.length + 10];
        System.arraycopy(payload, 0, buffer, 7, payload.length);
        buffer[0] = (byte) 0xFF; // invalid UTF-8 outside the slice must not matter

        assertThat(decoder.decode(buffer, 7, payload.length, NOW_MILLIS))
                .isEqualTo(new DecodeResult.Decoded(decoded(pump())));
    }

    @Test
    void shouldForgetTheLastPayloadWhenReused() {
        decoder.decode(pump().addMetric("doorOpen", "true").metric("airInLineUl", "3").addField("seq", "1").bytes(),
                NOW_MILLIS);

        assertThat(decoded(pump())).isEqualTo(decoded(pump()));
        assertThat(((PumpRecord) decoded(pump())).metrics().doorOpen()).isNull();
    }

    /** Every numeric metric of both tables, with the range the spec gives (telemetry-v1.md, "Metrics"). */
    static Stream<Arguments> numericRanges() {
        return Stream.of(
                Arguments.of(DeviceType.INFUSION_PUMP, "rateMlPerHr", 0, 1200),
                Arguments.of(DeviceType.INFUSION_PUMP, "infusedMl", 0, 10000),
                Arguments.of(DeviceType.INFUSION_PUMP, "vtbiMl", 0, 10000),
                Arguments.of(DeviceType.INFUSION_PUMP, "pressureMmHg", -100, 1500),
                Arguments.of(DeviceType.INFUSION_PUMP, "batteryPct", 0, 100),
                Arguments.of(DeviceType.INFUSION_PUMP, "airInLineUl", 0, 10000),
                Arguments.of(DeviceType.DIALYSIS, "bloodFlowMlPerMin", 0, 700),
                Arguments.of(DeviceType.DIALYSIS, "dialysateFlowMlPerMin", 0, 1000),
                Arguments.of(DeviceType.DIALYSIS, "arterialPressureMmHg", -500, 300),
                Arguments.of(DeviceType.DIALYSIS, "venousPressureMmHg", -200, 600),
                Arguments.of(DeviceType.DIALYSIS, "tmpMmHg", -200, 700),
                Arguments.of(DeviceType.DIALYSIS, "conductivityMsCm", 0, 25),
                Arguments.of(DeviceType.DIALYSIS, "conductivityRefMsCm", 0, 25),
                Arguments.of(DeviceType.DIALYSIS, "dialysateTempC", 20, 45),
                Arguments.of(DeviceType.DIALYSIS, "dialysateTempRefC", 20, 45),
                Arguments.of(DeviceType.DIALYSIS, "ufVolumeMl", 0, 10000),
                Arguments.of(DeviceType.DIALYSIS, "ufGoalMl", 0, 10000),
                Arguments.of(DeviceType.DIALYSIS, "acidRemainingMl", 0, 20000),
                Arguments.of(DeviceType.DIALYSIS, "treatmentElapsedMin", 0, 1440),
                Arguments.of(DeviceType.DIALYSIS, "treatmentPlannedMin", 0, 1440),
                Arguments.of(DeviceType.DIALYSIS, "filterHours", 0, 100000),
                Arguments.of(DeviceType.DIALYSIS, "operatingHours", 0, 1000000));
    }

    private static RawRecord of(DeviceType type) {
        return type == DeviceType.INFUSION_PUMP ? pump() : dialysis();
    }

    @ParameterizedTest(name = "{1} in [{2}, {3}]")
    @MethodSource("numericRanges")
    void shouldAcceptBothBoundsOfEveryNumericRangeAsIntegerAndDecimal(
            DeviceType type, String metric, int min, int max) {
        for (String raw : new String[] {
            Integer.toString(min), min + ".0", min + "e0", Integer.toString(max), max + ".000", max + "E0"
        }) {
            TelemetryRecord r = decoded(of(type).metric(metric, raw));
            assertThat(r.deviceType()).as(raw).isEqualTo(type);
        }
    }

    @ParameterizedTest(name = "{1} outside [{2}, {3}]")
    @MethodSource("numericRanges")
    void shouldRejectTheSmallestStepOutsideEveryNumericRange(DeviceType type, String metric, int min, int max) {
        String deviceId = type == DeviceType.INFUSION_PUMP ? "PUMP-0042" : "HD-0007";
        DecodeResult.Rejected expected = new DecodeResult.Rejected(RejectReason.OUT_OF_RANGE, deviceId, "m." + metric);
        BigDecimal hair = new BigDecimal("1e-30"); // far below a double's resolution at these magnitudes
        for (String raw : new String[] {
            Integer.toString(min - 1), BigDecimal.valueOf(min).subtract(hair).toPlainString(),
            Integer.toString(max + 1), BigDecimal.valueOf(max).add(hair).toPlainString()
        }) {
            assertThat(decoder.decode(of(type).metric(metric, raw).bytes(), NOW_MILLIS)).as(raw).isEqualTo(expected);
        }
    }
}

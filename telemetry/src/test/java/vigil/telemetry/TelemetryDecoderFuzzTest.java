package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the decoder (Jazzer). Without {@code JAZZER_FUZZ} the test replays its seed corpus,
 * {@code src/test/resources/vigil/telemetry/TelemetryDecoderFuzzTestInputs/<method>}, as regression tests; with it,
 * Jazzer mutates inputs for {@code maxDuration} and adds any crashing input to that directory. The build's
 * {@code fuzz} execution does the latter on every {@code verify}; docs/decoder.md, "Fuzzing", says how to fuzz
 * longer.
 *
 * <p>Properties, for any bytes:
 * <ul>
 *   <li>decode never throws: the result is {@code Decoded} or {@code Rejected} with a reason;</li>
 *   <li>a reused decoder (whose parser outlives each payload) answers as a fresh one does;</li>
 *   <li>an accepted record survives encode then decode unchanged.</li>
 * </ul>
 */
class TelemetryDecoderFuzzTest {
    /** A fixed consumer clock, so that a finding replays with the same result. */
    private static final long NOW_MILLIS = RawRecord.NOW_MILLIS;
    private static final TelemetryEncoder ENCODER = new TelemetryEncoder();

    // One decoder for every input of a fuzzing run: exercises parser reuse across arbitrary payloads.
    private static final TelemetryDecoder REUSED = new TelemetryDecoder();

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({
        "\"schema\"", "\"vigil.telemetry.v1\"", "\"deviceId\"", "\"deviceType\"", "\"infusion_pump\"",
        "\"dialysis\"", "\"seq\"", "\"ts\"", "\"m\"", "\"model\"", "\"collectorId\"", "\"careUnit\"", "\"fw\"",
        "\"settingsVersion\"", "\"state\"", "\"running\"", "\"treatment\"", "\"rateMlPerHr\"", "\"onMains\"",
        "\"filterHours\"", "\"bloodLeak\"", "\\u0065", "1e400", "-0", "9007199254740992", "null", "true"
    })
    void shouldNeverThrowAndRoundTripEveryAcceptedRecord(byte[] payload) {
        DecodeResult result = REUSED.decode(payload, NOW_MILLIS);

        assertThat(result).isNotNull().isEqualTo(new TelemetryDecoder().decode(payload, NOW_MILLIS));
        if (result instanceof DecodeResult.Rejected rejected) {
            assertThat(rejected.reason()).isNotNull();
        } else if (result instanceof DecodeResult.Decoded decoded) {
            byte[] encoded = ENCODER.encode(decoded.record());
            assertThat(REUSED.decode(encoded, NOW_MILLIS)).isEqualTo(result);
        }
    }
}

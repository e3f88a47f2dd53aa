package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static vigil.telemetry.RawRecord.NOW_MILLIS;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder reuses one Jackson parser across payloads (ReusableJsonParser). These tests pin the reuse contract:
 * whatever the previous payload did to the parser (rejected, broken JSON, trailing content, many unknown names),
 * the next payload decodes exactly as it would with a fresh decoder.
 */
class TelemetryDecoderReuseTest {
    private final TelemetryDecoder reused = new TelemetryDecoder();

    @Test
    void shouldDecodeEveryPayloadAsAFreshDecoderWouldAfterAnyPreviousPayload() {
        byte[] valid = RawRecord.dialysis().bytes();
        DecodeResult expectedValid = new TelemetryDecoder().decode(valid, NOW_MILLIS);
        assertThat(expectedValid).isInstanceOf(DecodeResult.Decoded.class);
        List<TelemetryDecoderRejectionTest.Case> cases = TelemetryDecoderRejectionTest.malformed().toList();

        for (TelemetryDecoderRejectionTest.Case c : cases) {
            DecodeResult fresh = new TelemetryDecoder().decode(c.payload(), NOW_MILLIS);

            assertThat(reused.decode(c.payload(), NOW_MILLIS)).as(c.description()).isEqualTo(fresh);
            assertThat(reused.decode(valid, NOW_MILLIS)).as("valid after " + c.description()).isEqualTo(expectedValid);
        }
    }

    @Test
    void shouldDecodeSlicesOfOneBufferBackToBack() {
        byte[] pump = RawRecord.pump().bytes();
        byte[] dialysis = RawRecord.dialysis().bytes();
        byte[] both = new byte[pump.length + dialysis.length + 2];
        System.arraycopy(pump, 0, both, 1, pump.length);
        System.arraycopy(dialysis, 0, both, 1 + pump.length, dialysis.length);

        for (int i = 0; i < 3; i++) {
            assertThat(reused.decode(both, 1, pump.length, NOW_MILLIS))
                    .isEqualTo(new TelemetryDecoder().decode(pump, NOW_MILLIS));
            assertThat(reused.decode(both, 1 + pump.length, dialysis.length, NOW_MILLIS))
                    .isEqualTo(new TelemetryDecoder().decode(dialysis, NOW_MILLIS));
        }
    }

    @Test
    void shouldKeepDecodingWhenPayloadsCarryThousandsOfDistinctUnknownNames() {
        byte[] valid = RawRecord.pump().bytes();
        DecodeResult expected = new TelemetryDecoder().decode(valid, NOW_MILLIS);
        String json = new String(valid, StandardCharsets.UTF_8);

        for (int i = 0; i < 5_000; i++) {
            // Each payload adds unknown names the parser's symbol table has not seen; it is replaced past a bound.
            String withUnknown = "{\"x" + i + "\":1,\"y" + i + "\":{\"z" + i + "\":[]}," + json.substring(1);
            DecodeResult r = reused.decode(withUnknown.getBytes(StandardCharsets.UTF_8), NOW_MILLIS);

            assertThat(r).isEqualTo(expected);
        }
    }
}

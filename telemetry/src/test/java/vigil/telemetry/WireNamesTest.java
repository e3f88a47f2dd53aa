package vigil.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding a field name from the payload's bytes: every known name, anywhere in a payload, and nothing else. */
class WireNamesTest {
    private static final String FILLER = ",\"x\":1,\"y\":\"some value\",\"z\":true}"; // what may follow a name

    private static int slotOf(WireNames names, String quotedNameAndRest, int padBefore) {
        byte[] b = (" ".repeat(padBefore) + quotedNameAndRest).getBytes(StandardCharsets.UTF_8);
        return names.slotOf(b, padBefore + 1, b.length); // after the opening quote
    }

    @Test
    void shouldFindEveryKnownNameWithRoomAfterItAndAtTheEndOfThePayload() {
        for (int slot = 0; slot < WireFields.ENVELOPE_SLOTS; slot++) {
            String name = WireFields.label(slot);
            assertThat(slotOf(WireFields.ENVELOPE_WIRE_NAMES, '"' + name + "\":1" + FILLER, 3)).isEqualTo(slot);
            assertThat(slotOf(WireFields.ENVELOPE_WIRE_NAMES, '"' + name + '"', 0)).isEqualTo(slot);
        }
        for (FieldSpec f : WireFields.ALL_METRIC_ARRAY) {
            assertThat(slotOf(WireFields.METRIC_WIRE_NAMES, '"' + f.name() + "\":1" + FILLER, 5)).isEqualTo(f.slot());
            assertThat(slotOf(WireFields.METRIC_WIRE_NAMES, '"' + f.name() + "\":1}}", 0)).isEqualTo(f.slot());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"sch\"", "\"schemas\"", "\"Schema\"", "\"\"", "\"sch\\u0065ma\"", "\"schema\\\"\"",
        "\"m \"", "\"state\"", "\"deviceIdentifier\"", "\"settingsVersionNumberFromTheDevice\"", "\"schema",
        "\"sch\u00e9ma\""})
    void shouldFindNoEnvelopeSlotForOtherNamesEscapesOrAnUnterminatedName(String quoted) {
        assertThat(slotOf(WireFields.ENVELOPE_WIRE_NAMES, quoted + FILLER, 2)).isEqualTo(-1);
        assertThat(slotOf(WireFields.ENVELOPE_WIRE_NAMES, quoted, 0)).isEqualTo(-1);
    }

    @Test
    void shouldNotKnowEnvelopeNamesInsideTheMetricsOrTheOtherWayRound() {
        assertThat(slotOf(WireFields.METRIC_WIRE_NAMES, "\"seq\":1" + FILLER, 0)).isEqualTo(-1);
        assertThat(slotOf(WireFields.ENVELOPE_WIRE_NAMES, "\"state\":\"running\"" + FILLER, 0)).isEqualTo(-1);
    }

    @Test
    void shouldStopAtTheEndOfTheSliceItIsGiven() {
        byte[] b = "\"schema\":1".getBytes(StandardCharsets.UTF_8);
        // The slice ends inside the name: not found, and nothing beyond the slice is read.
        assertThat(WireFields.ENVELOPE_WIRE_NAMES.slotOf(Arrays.copyOf(b, 5), 1, 5)).isEqualTo(-1);
        assertThat(WireFields.ENVELOPE_WIRE_NAMES.slotOf(b, 1, 5)).isEqualTo(-1);
    }
}

package vigil.consumer.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.rules.DeviceFigures;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisMetrics;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.DialysisState;
import vigil.telemetry.Envelope;
import vigil.telemetry.PumpMetrics;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.PumpState;

/** The device-state item holds what the dashboard shows, within one write unit (1 KB) at its largest. */
class DeviceStateItemSizeTest {
    private static final long TS = 1_795_340_400_123L;

    @Test
    void shouldKeepTheLargestDialysisStateItemWithinOneWriteUnit() {
        DialysisRecord r = new DialysisRecord(
                new Envelope("DIAL-0000000001", DeviceType.DIALYSIS, 123_456_789L, TS, "HD-5008-PLUS-XL",
                        "collector-ward-7-east-0001", "NEPHROLOGY-WEST-2", "10.22.333", 4_242L),
                new DialysisMetrics(DialysisState.TREATMENT, 312.25, 512.75, -151.125, 152.375, 101.625, 14.0625,
                        14.0125, 37.0625, 37.0125, 512.5, 2_012.5, 4_987.25, 123.5, 240.25, 101.75, 12_345.5,
                        false));
        DeviceSnapshot s = new DeviceSnapshot("DIAL-0000000001", DeviceType.DIALYSIS, r, 123_456_789L, TS + 250,
                9_999_999L, 12_345L, 1_234L, 123L, TS + 900,
                new DeviceFigures(null, null, 0.0501234567, 0.0501234567, null, null, 123.456789, 398.25,
                        List.of("DIAL-0000000001:CONDUCTIVITY_SENSOR_DRIFT:1795340400123",
                                "DIAL-0000000001:CONCENTRATE_LOW:1795340400123")));
        int bytes = ItemSize.of(DeviceStateItems.toItem(s));
        System.out.println("largest dialysis state item: " + bytes + " bytes");
        assertThat(bytes).isLessThanOrEqualTo(1_024);
    }

    @Test
    void shouldKeepAPumpStateItemWithinOneWriteUnit() {
        PumpRecord r = new PumpRecord(
                new Envelope("PUMP-0000000001", DeviceType.INFUSION_PUMP, 123_456_789L, TS, "LVP-200-PLUS",
                        "collector-ward-7-east-0001", "ICU-CARDIAC-4A", "10.22.333", 4_242L),
                new PumpMetrics(PumpState.RUNNING, 83.333, 456.789, 1_000, 82.5, 77.25, false,
                        "INF-2026-12-04-000123456", 12.5, false));
        DeviceSnapshot s = new DeviceSnapshot("PUMP-0000000001", DeviceType.INFUSION_PUMP, r, 123_456_789L, TS + 250,
                9_999_999L, 12_345L, 1_234L, 123L, TS + 900,
                new DeviceFigures(5.123456789, 25.123456789, null, null, 123.456789, 234.56789, null, null,
                        List.of("PUMP-0000000001:FLOW_ACCURACY_DRIFT:1795340400123")));
        int bytes = ItemSize.of(DeviceStateItems.toItem(s));
        System.out.println("pump state item: " + bytes + " bytes");
        assertThat(bytes).isLessThanOrEqualTo(1_024);
    }

    @Test
    void shouldCountItemSizeAsAwsDoes() {
        // Names + values: "id" 2 + "abc" 3; "n" 1 + 12345 (5 digits: 3 + 1); "b" 1 + 4 bytes; "m" 1 + 3 + 1 + ("x" 1
        // + true 1).
        Map<String, AttributeValue> item = Map.of(
                "id", AttributeValue.fromS("abc"),
                "n", AttributeValue.fromN("12345"),
                "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[4])),
                "m", AttributeValue.fromM(Map.of("x", AttributeValue.fromBool(true))));
        assertThat(ItemSize.of(item)).isEqualTo(5 + 5 + 5 + 7);
        assertThat(ItemSize.number("100.2500")).isEqualTo(4); // 10025: 5 significant digits, 3 bytes + 1
    }
}

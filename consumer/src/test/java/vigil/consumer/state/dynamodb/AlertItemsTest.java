package vigil.consumer.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import vigil.consumer.rules.AlertStatus;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.rules.AlertType;
import vigil.consumer.rules.Change;
import vigil.consumer.rules.HistoryEntry;
import vigil.consumer.rules.Priority;
import vigil.schema.AlertAttributes;
import vigil.telemetry.DeviceType;

/** The alert item's key for the report index ({@code raised-by-day}), and its size (docs/alarm-burden.md). */
class AlertItemsTest {
    private static final long RAISED = 1_795_391_999_999L; // 2026-11-22T23:59:59.999Z

    private static AlertTransition latchedAndAcknowledged() {
        List<HistoryEntry> history = List.of(
                new HistoryEntry(Change.RAISED, AlertStatus.ACTIVE, Priority.MEDIUM, RAISED, "system", 12.5),
                new HistoryEntry(Change.ESCALATED, AlertStatus.ACTIVE, Priority.HIGH, RAISED + 60_000, "system", 4.0),
                new HistoryEntry(Change.LATCHED, AlertStatus.LATCHED, Priority.HIGH, RAISED + 120_000, "system", 21.0),
                new HistoryEntry(Change.CLEARED, AlertStatus.CLEARED, Priority.HIGH, RAISED + 300_000,
                        "charge-nurse-anabela", null));
        return new AlertTransition(
                AlertTransition.alertId("PUMP-0123-LONGER-ID", AlertType.INFUSION_NEAR_END, RAISED),
                "PUMP-0123-LONGER-ID", DeviceType.INFUSION_PUMP, "ICU-4A-NORTH", AlertType.INFUSION_NEAR_END,
                Priority.HIGH, Priority.HIGH, AlertStatus.CLEARED, Change.CLEARED, RAISED, RAISED + 300_000,
                RAISED + 300_000, 21.0, 20.0, "Infusion near end: 21 minutes to empty (clear at 20)",
                "charge-nurse-anabela", RAISED + 300_000, "Bag replaced at the bedside", history);
    }

    @Test
    void shouldWriteTheUtcDayOfRaisedTsAsTheReportIndexKey() {
        Map<String, AttributeValue> item = AlertItems.toItem(latchedAndAcknowledged());

        assertThat(item.get(AlertAttributes.RAISED_DAY).s()).isEqualTo("2026-11-22");
        assertThat(AlertAttributes.raisedDay(RAISED + 1)).isEqualTo("2026-11-23");
    }

    @Test
    void shouldFitAnAlertWithFourHistoryStepsInOneWriteUnit() {
        int bytes = ItemSize.of(AlertItems.toItem(latchedAndAcknowledged()));
        System.out.printf("[alert item] 4 history steps, acknowledgement with note: %d bytes%n", bytes);

        assertThat(bytes).isLessThanOrEqualTo(1024);
    }
}

package vigil.dashboard.device;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** One chart point: the rule figures at the start of an event-time minute, each null when not evaluable. */
@JsonPropertyOrder({"t"})
public record HistoryPoint(
        Instant t,
        Double flowErrorPct,
        Double pressureOffsetMmHg,
        Double conductivityDivergenceMsCm,
        Double temperatureDivergenceC,
        Double minutesToEmpty,
        Double batteryMinutesLeft,
        Double acidMinutesLeft,
        Double filterHoursLeft) {}

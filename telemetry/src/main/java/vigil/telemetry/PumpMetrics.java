package vigil.telemetry;

import java.util.Objects;

/**
 * Infusion pump metrics (telemetry-v1.md, "Metrics: deviceType = infusion_pump"). Optional fields are
 * {@code null} when absent.
 *
 * @param state        pump state
 * @param rateMlPerHr  programmed rate, 0 to 1200 mL/h
 * @param infusedMl    volume infused in the current infusion, 0 to 10000 mL
 * @param vtbiMl       volume still to be infused, 0 to 10000 mL
 * @param pressureMmHg downstream line pressure, -100 to 1500 mmHg
 * @param batteryPct   battery charge, 0 to 100 %
 * @param onMains      true when running on mains power
 * @param infusionId   id of the current infusion, or {@code null}
 * @param airInLineUl  air detected since the previous record, 0 to 10000 µL, or {@code null}
 * @param doorOpen     door state, or {@code null}
 */
public record PumpMetrics(
        PumpState state,
        double rateMlPerHr,
        double infusedMl,
        double vtbiMl,
        double pressureMmHg,
        double batteryPct,
        boolean onMains,
        String infusionId,
        Double airInLineUl,
        Boolean doorOpen) {

    public PumpMetrics {
        Objects.requireNonNull(state, "state");
    }
}

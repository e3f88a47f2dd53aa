package vigil.telemetry;

import java.util.Objects;

/**
 * Dialysis machine metrics (telemetry-v1.md, "Metrics: deviceType = dialysis"). Optional fields are
 * {@code null} when absent. Units are in the names; ranges are enforced by {@link TelemetryDecoder}.
 */
public record DialysisMetrics(
        DialysisState state,
        double bloodFlowMlPerMin,
        double dialysateFlowMlPerMin,
        double arterialPressureMmHg,
        double venousPressureMmHg,
        double tmpMmHg,
        double conductivityMsCm,
        double conductivityRefMsCm,
        double dialysateTempC,
        double dialysateTempRefC,
        double ufVolumeMl,
        double ufGoalMl,
        double acidRemainingMl,
        double treatmentElapsedMin,
        double treatmentPlannedMin,
        double filterHours,
        Double operatingHours,
        Boolean bloodLeak) {

    public DialysisMetrics {
        Objects.requireNonNull(state, "state");
    }
}

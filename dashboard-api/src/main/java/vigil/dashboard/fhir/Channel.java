package vigil.dashboard.fhir;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One measured or derived quantity of a device as FHIR codes it: a code from the IEEE 11073-10101 nomenclature
 * (MDC) where one exists, else a code of Vigil's own code system, and the UCUM unit.
 *
 * <p>The MDC codes used are the ones IHE PCD messages use for infusion pumps (rate, volume infused, volume to be
 * infused) and the generic temperature term; every other channel has no MDC term we could verify and keeps Vigil's
 * code (docs/fhir.md, mapping table). A clinical engineer should review the table before a site relies on it.
 *
 * @param key       the telemetry wire name (telemetry-v1.md) or the rule figure name (alerts-v1.md)
 * @param mdcCode   the MDC numeric code, or null
 * @param mdcName   the MDC reference id (e.g. {@code MDC_FLOW_FLUID_PUMP}), or null
 * @param display   human-readable name
 * @param ucum      UCUM unit code, or null for dimensionless / non-numeric channels
 * @param derived   true for Vigil's rule figures (history), false for channels the device measures
 */
public record Channel(String key, String mdcCode, String mdcName, String display, String ucum, boolean derived) {
    /** The MDC code system URI (FHIR R4, "IEEE 11073-10101"). */
    public static final String MDC_SYSTEM = "urn:iso:std:iso:11073:10101";
    /** Vigil's code system for channels and figures without an MDC term; the code is the wire name. */
    public static final String VIGIL_SYSTEM = "urn:vigil:fhir:channel";
    /** UCUM. */
    public static final String UCUM_SYSTEM = "http://unitsofmeasure.org";

    private static final Map<String, Channel> BY_KEY = new LinkedHashMap<>();

    static {
        // infusion pump (telemetry-v1.md "Infusion pump metrics")
        add(new Channel("rateMlPerHr", "157784", "MDC_FLOW_FLUID_PUMP", "Infusion rate", "mL/h", false));
        add(new Channel("infusedMl", "157872", "MDC_VOL_FLUID_DELIV", "Volume infused", "mL", false));
        add(new Channel("vtbiMl", "157884", "MDC_VOL_FLUID_TBI", "Volume to be infused", "mL", false));
        add(measured("pressureMmHg", "Downstream line pressure", "mm[Hg]"));
        add(measured("batteryPct", "Battery charge", "%"));
        add(measured("onMains", "On mains power", null));
        add(measured("airInLineUl", "Air in line since previous record", "uL"));
        add(measured("doorOpen", "Door open", null));
        add(measured("state", "Operating state", null));
        add(measured("infusionId", "Infusion id", null));
        // dialysis machine (telemetry-v1.md "Dialysis machine metrics")
        add(measured("bloodFlowMlPerMin", "Blood flow", "mL/min"));
        add(measured("dialysateFlowMlPerMin", "Dialysate flow", "mL/min"));
        add(measured("arterialPressureMmHg", "Arterial line pressure", "mm[Hg]"));
        add(measured("venousPressureMmHg", "Venous line pressure", "mm[Hg]"));
        add(measured("tmpMmHg", "Transmembrane pressure", "mm[Hg]"));
        add(measured("conductivityMsCm", "Dialysate conductivity, primary cell", "mS/cm"));
        add(measured("conductivityRefMsCm", "Dialysate conductivity, monitoring cell", "mS/cm"));
        add(new Channel("dialysateTempC", "150344", "MDC_TEMP", "Dialysate temperature, primary sensor", "Cel",
                false));
        add(new Channel("dialysateTempRefC", "150344", "MDC_TEMP", "Dialysate temperature, monitoring sensor",
                "Cel", false));
        add(measured("ufVolumeMl", "Ultrafiltration volume removed", "mL"));
        add(measured("ufGoalMl", "Ultrafiltration goal", "mL"));
        add(measured("acidRemainingMl", "Acid concentrate remaining", "mL"));
        add(measured("treatmentElapsedMin", "Treatment time elapsed", "min"));
        add(measured("treatmentPlannedMin", "Treatment time planned", "min"));
        add(measured("filterHours", "Dialysate filter operating hours", "h"));
        add(measured("operatingHours", "Machine operating hours", "h"));
        add(measured("bloodLeak", "Blood leak detected", null));
        // rule figures, one point per minute in the history (alerts-v1.md "Derived device state")
        add(figure("flowErrorPct", "Delivered volume error against programmed", "%"));
        add(figure("pressureOffsetMmHg", "Pressure offset from baseline", "mm[Hg]"));
        add(figure("conductivityDivergenceMsCm", "Conductivity divergence between cells", "mS/cm"));
        add(figure("temperatureDivergenceC", "Temperature divergence between sensors", "Cel"));
        add(figure("minutesToEmpty", "Minutes until the infusion is complete", "min"));
        add(figure("batteryMinutesLeft", "Battery minutes left", "min"));
        add(figure("acidMinutesLeft", "Acid concentrate minutes left", "min"));
        add(figure("filterHoursLeft", "Filter hours left", "h"));
    }

    private static Channel measured(String key, String display, String ucum) {
        return new Channel(key, null, null, display, ucum, false);
    }

    private static Channel figure(String key, String display, String ucum) {
        return new Channel(key, null, null, display, ucum, true);
    }

    private static void add(Channel c) {
        BY_KEY.put(c.key(), c);
    }

    /** The channel of a wire or figure name; empty for names this version does not map (they are left out). */
    public static Optional<Channel> of(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** Every mapped channel, measured ones first, in table order. */
    public static Iterable<Channel> all() {
        return BY_KEY.values();
    }

    /** Whether a search token {@code [system|]code} names this channel. */
    boolean matches(String token) {
        int bar = token.indexOf('|');
        String system = bar < 0 ? null : token.substring(0, bar);
        String code = bar < 0 ? token : token.substring(bar + 1);
        boolean vigil = key.equals(code) && (system == null || system.isEmpty() || VIGIL_SYSTEM.equals(system));
        boolean mdc = mdcCode != null && mdcCode.equals(code) && (system == null || MDC_SYSTEM.equals(system));
        return vigil || mdc;
    }
}

package vigil.dashboard.audit;

/**
 * What an audited request did, as written to the log (api-v1.md, "Audit log"). {@link #DEVICE_LIST},
 * {@link #ALERT_LIST} and {@link #EVENTS_SUBSCRIBE} are the actions api-v1.md added in v1.1 for list reads and event
 * streams: a list answer shows the state of many devices, so it is audited (without a deviceId), and a denied list
 * request is audited under its action too.
 */
public enum AuditAction {
    DEVICE_READ("device.read"),
    DEVICE_LIST("device.list"),
    DEVICE_HISTORY_READ("device.history.read"),
    /** api-v1.md v1.1: an alert list shows device data of many devices, like {@link #DEVICE_LIST}. */
    ALERT_LIST("alert.list"),
    ALERT_ACK("alert.ack"),
    SETTINGS_READ("settings.read"),
    SETTINGS_WRITE("settings.write"),
    /** api-v1.md v1.1: opening the event stream (once per stream), which then shows device and alert data. */
    EVENTS_SUBSCRIBE("events.subscribe"),
    AUDIT_READ("audit.read"),
    /** Not in the spec's list: a FHIR read of one resource (docs/fhir.md). */
    FHIR_READ("fhir.read"),
    /** Not in the spec's list: a FHIR search (docs/fhir.md). */
    FHIR_SEARCH("fhir.search"),
    /** Not in the spec's list: a FHIR bulk export kick-off, status poll, file download or cancel (docs/fhir.md). */
    FHIR_EXPORT("fhir.export"),
    /** Not in the spec's list: the alarm burden report (docs/alarm-burden.md), alert counts of many devices. */
    REPORT_READ("report.read");

    private final String wireName;

    AuditAction(String wireName) {
        this.wireName = wireName;
    }

    /** The name stored in the log, e.g. {@code device.read}. */
    public String wireName() {
        return wireName;
    }
}

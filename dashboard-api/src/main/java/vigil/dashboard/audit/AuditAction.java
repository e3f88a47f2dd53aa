package vigil.dashboard.audit;

/**
 * What an audited request did, as written to the log (api-v1.md, "Audit log"). {@link #DEVICE_LIST} is not in the
 * spec's list: a list answer shows the state of many devices, so it is audited too (without a deviceId), and a
 * denied list request needs an action name to be audited at all.
 */
public enum AuditAction {
    DEVICE_READ("device.read"),
    DEVICE_LIST("device.list");

    private final String wireName;

    AuditAction(String wireName) {
        this.wireName = wireName;
    }

    /** The name stored in the log, e.g. {@code device.read}. */
    public String wireName() {
        return wireName;
    }
}

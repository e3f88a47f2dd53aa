package vigil.telemetry;

/** Reason codes of telemetry-v1.md, "Rejected records", in the spec's check order where one applies. */
public enum RejectReason {
    TOO_LARGE,
    NOT_UTF8,
    NOT_JSON,
    DUPLICATE_FIELD,
    UNKNOWN_SCHEMA,
    MISSING_FIELD,
    WRONG_TYPE,
    OUT_OF_RANGE,
    BAD_DEVICE_ID,
    UNKNOWN_DEVICE_TYPE,
    DEVICE_TYPE_CHANGED,
    FUTURE_TIMESTAMP
}

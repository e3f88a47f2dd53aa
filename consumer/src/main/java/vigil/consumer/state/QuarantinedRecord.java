package vigil.consumer.state;

import java.util.Objects;
import vigil.telemetry.RejectReason;

/**
 * A rejected record as kept in the quarantine (telemetry-v1.md, "Rejected records"). Holds the raw bytes, which
 * may contain health data: never log this object's payload.
 *
 * @param shardId           Kinesis shard the record came from
 * @param sequenceNumber    Kinesis sequence number
 * @param subSequenceNumber position inside a KPL-aggregated record, 0 for plain records
 * @param arrivalMillis     Kinesis approximate arrival time, epoch millis
 * @param reason            the spec's reason code, or {@code null} with {@code internalError} set
 * @param internalError     set instead of a reason when processing failed for a reason outside the spec (a bug);
 *                          the record is kept all the same
 * @param deviceId          the device when it could be read, else {@code null}
 * @param field             the failing field's name, or {@code null}
 * @param payload           the raw bytes as received
 */
public record QuarantinedRecord(
        String shardId,
        String sequenceNumber,
        long subSequenceNumber,
        long arrivalMillis,
        RejectReason reason,
        String internalError,
        String deviceId,
        String field,
        byte[] payload) {

    public QuarantinedRecord {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(payload, "payload");
        if ((reason == null) == (internalError == null)) {
            throw new IllegalArgumentException("exactly one of reason and internalError");
        }
    }

    /** Unique within the shard: sequence number and sub-sequence number, so a replay rewrites the same item. */
    public String recordKey() {
        return sequenceNumber + ":" + subSequenceNumber;
    }

    /** The code stored and counted: the spec's reason, or {@code PROCESSING_ERROR}. */
    public String code() {
        return reason != null ? reason.name() : "PROCESSING_ERROR";
    }

    @Override
    public String toString() { // never the payload
        return "QuarantinedRecord[" + shardId + " " + recordKey() + " " + code() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuarantinedRecord q && q.shardId.equals(shardId) && q.recordKey().equals(recordKey());
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, recordKey());
    }
}

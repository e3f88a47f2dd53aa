package vigil.telemetry;

import java.util.Objects;

/** Outcome of decoding one telemetry payload: a record, or a rejection with its reason. */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Rejected {

    /** A payload that passed every check of the decoder. */
    record Decoded(TelemetryRecord record) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * A rejected payload.
     *
     * @param reason   the spec's reason code for the first failing check
     * @param deviceId the device id when it could be read and is valid, else {@code null}
     * @param field    the field that failed (for diagnostics; never a value), or {@code null}
     */
    record Rejected(RejectReason reason, String deviceId, String field) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

package vigil.dashboard.fhir.export;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One bulk export: what was asked, by whom, and how far it got. Written by the one export thread, read by request
 * threads: state fields are volatile, outputs a copy-on-write list filled before {@link State#DONE} is published.
 *
 * @param careUnit null for the caller's whole scope
 */
public final class ExportJob {
    /** Lifecycle: RUNNING, then exactly one of DONE, FAILED, CANCELLED. */
    public enum State { RUNNING, DONE, FAILED, CANCELLED }

    /** One NDJSON file of the manifest. */
    public record Output(String type, String fileName, long count, long bytes) {}

    final String id;
    final String owner;
    final String careUnit;
    final Instant since;
    final Instant until;
    final Set<String> types;
    final Instant transactionTime;
    final String requestUrl;
    final List<Output> outputs = new CopyOnWriteArrayList<>();
    volatile State state = State.RUNNING;
    volatile int devicesDone;   // progress: devices written so far
    volatile int devicesTotal;  // 0 until the scope is known
    volatile String error;      // set with FAILED; never holds device data

    ExportJob(String id, String owner, String careUnit, Instant since, Instant until, Set<String> types,
            Instant transactionTime, String requestUrl) {
        this.id = Objects.requireNonNull(id);
        this.owner = Objects.requireNonNull(owner);
        this.careUnit = careUnit;
        this.since = since;
        this.until = until;
        this.types = Set.copyOf(types);
        this.transactionTime = transactionTime;
        this.requestUrl = requestUrl;
    }

    public String id() {
        return id;
    }

    public State state() {
        return state;
    }

    public List<Output> outputs() {
        return List.copyOf(outputs);
    }

    /** {@code 12/1000 devices}, for the X-Progress header. */
    String progress() {
        return devicesTotal == 0 ? "starting" : devicesDone + "/" + devicesTotal + " devices";
    }
}

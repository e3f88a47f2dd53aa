package vigil.dashboard.fhir.export;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vigil.dashboard.alert.AlertStore;
import vigil.dashboard.alert.AlertView;
import vigil.dashboard.auth.Access;
import vigil.dashboard.device.DeviceHistoryStore;
import vigil.dashboard.device.DeviceState;
import vigil.dashboard.device.DeviceStateStore;
import vigil.dashboard.device.HistoryPoint;
import vigil.dashboard.fhir.FhirMapper;
import vigil.dashboard.fhir.FhirR4;
import vigil.dashboard.settings.SettingsStore;
import vigil.schema.AlertAttributes;

/**
 * Runs bulk exports one at a time on one daemon thread and keeps their state in memory (a restart forgets jobs;
 * their files stay in the storage). Reads per export: one scan of device-state (the device list, as api-v1's
 * device list does), then per device one settings GetItem and one device-history Query over the time range, then
 * one Query of the open-alert index per care unit. Thread-safe: request threads start, poll and cancel; only the
 * export thread writes a job's files.
 */
public final class ExportJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportJobs.class);
    /** The resource types an export can hold, in file order. */
    public static final List<String> TYPES = List.of("Device", "DeviceMetric", "Observation", "DetectedIssue");

    private final DeviceStateStore devices;
    private final AlertStore alerts;
    private final DeviceHistoryStore history;
    private final SettingsStore settings;
    private final ExportStorage storage;
    private final FhirMapper mapper;
    private final Clock clock;
    private final Map<String, ExportJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fhir-export");
        t.setDaemon(true);
        return t;
    });

    public ExportJobs(DeviceStateStore devices, AlertStore alerts, DeviceHistoryStore history, SettingsStore settings,
            ExportStorage storage, Clock clock) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.history = Objects.requireNonNull(history, "history");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = new FhirMapper(clock);
    }

    public ExportStorage storage() {
        return storage;
    }

    /** Queues an export of what {@code access} may see (of {@code careUnit}, or all) in {@code [since, until]}. */
    public ExportJob start(Access access, String careUnit, java.time.Instant since, java.time.Instant until,
            Set<String> types, String requestUrl) {
        ExportJob job = new ExportJob(UUID.randomUUID().toString(), access.principal().subject(), careUnit, since,
                until, types, clock.instant(), requestUrl);
        jobs.put(job.id, job);
        runner.execute(() -> run(job, access));
        return job;
    }

    /** The job if it exists and belongs to {@code subject}; other callers' jobs are not revealed. */
    public Optional<ExportJob> find(String jobId, String subject) {
        return Optional.ofNullable(jobs.get(jobId)).filter(j -> j.owner.equals(subject));
    }

    /** Cancels (a running job stops at the next device) and deletes the files. */
    public void cancel(ExportJob job) throws IOException {
        if (job.state == ExportJob.State.RUNNING) {
            job.state = ExportJob.State.CANCELLED;
        }
        jobs.remove(job.id);
        storage.delete(job.id);
    }

    /** Runs an export on the caller's thread (benchmarks), returning the finished job. */
    public ExportJob runNow(Access access, String careUnit, java.time.Instant since, java.time.Instant until,
            Set<String> types) {
        ExportJob job = new ExportJob(UUID.randomUUID().toString(), access.principal().subject(), careUnit, since,
                until, types, clock.instant(), "bench");
        jobs.put(job.id, job);
        run(job, access);
        return job;
    }

    private void run(ExportJob job, Access access) {
        Map<String, Sink> sinks = new LinkedHashMap<>();
        try {
            List<DeviceState> scope = devices.all().stream()
                    .filter(s -> access.canSeeDevice(s.deviceId(), s.careUnit()))
                    .filter(s -> job.careUnit == null || job.careUnit.equals(s.careUnit()))
                    .sorted(java.util.Comparator.comparing(DeviceState::deviceId))
                    .toList();
            job.devicesTotal = scope.size();
            IParser parser = FhirR4.json();
            for (String type : TYPES) {
                if (job.types.contains(type)) {
                    sinks.put(type, new Sink(type, storage, job.id, parser));
                }
            }
            long since = job.since.toEpochMilli();
            long until = job.until.toEpochMilli();
            for (DeviceState s : scope) {
                if (job.state != ExportJob.State.RUNNING) {
                    return;
                }
                writeDevice(sinks, s, since, until);
                job.devicesDone++;
            }
            Sink issues = sinks.get("DetectedIssue");
            if (issues != null) {
                Set<String> ids = new java.util.HashSet<>();
                Set<String> units = new LinkedHashSet<>();
                scope.forEach(s -> {
                    ids.add(s.deviceId());
                    units.add(s.careUnit() == null ? AlertAttributes.UNASSIGNED_CARE_UNIT : s.careUnit());
                });
                for (String unit : units) {
                    for (AlertView a : alerts.open(unit, since)) {
                        if (a.raisedTs() <= until && ids.contains(a.deviceId())) {
                            issues.write(mapper.alert(a));
                        }
                    }
                }
            }
            for (Sink sink : sinks.values()) {
                sink.close();
                if (sink.count > 0) { // Bulk Data: list only files with resources (an empty file stays unlisted)
                    job.outputs.add(new ExportJob.Output(sink.type, sink.fileName(), sink.count, sink.bytes));
                }
            }
            job.state = ExportJob.State.DONE;
        } catch (IOException | RuntimeException e) {
            job.error = e.getClass().getSimpleName();
            job.state = ExportJob.State.FAILED;
            LOG.error("FHIR export {} failed: {}", job.id, e.toString());
        } finally {
            for (Sink sink : sinks.values()) {
                sink.closeQuietly();
            }
            if (job.state == ExportJob.State.CANCELLED) {
                try {
                    storage.delete(job.id);
                } catch (IOException e) {
                    LOG.warn("files of cancelled FHIR export {} not deleted: {}", job.id, e.toString());
                }
            }
        }
    }

    private void writeDevice(Map<String, Sink> sinks, DeviceState s, long since, long until) throws IOException {
        Sink device = sinks.get("Device");
        Sink metric = sinks.get("DeviceMetric");
        Sink obs = sinks.get("Observation");
        Optional<ObjectNode> doc = device != null || metric != null ? settings.find(s.deviceId()) : Optional.empty();
        if (device != null) {
            device.write(mapper.device(s, doc));
        }
        if (metric != null) {
            for (IBaseResource m : mapper.metrics(s, doc)) {
                metric.write(m);
            }
        }
        if (obs != null) {
            if (s.lastTsMillis() != null && s.lastTsMillis() >= since && s.lastTsMillis() <= until) {
                for (IBaseResource o : mapper.newest(s)) {
                    obs.write(o);
                }
            }
            for (HistoryPoint p : history.between(s.deviceId(), since, until)) {
                for (IBaseResource o : mapper.history(s.deviceId(), p)) {
                    obs.write(o);
                }
            }
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    /** One NDJSON file being written: one resource per line, UTF-8, {@code \n} line ends. Export thread only. */
    private static final class Sink {
        final String type;
        final Writer out;
        final IParser parser;
        long count;
        long bytes;
        boolean closed;

        Sink(String type, ExportStorage storage, String jobId, IParser parser) throws IOException {
            this.type = type;
            this.parser = parser;
            this.out = new BufferedWriter(new OutputStreamWriter(
                    storage.create(jobId, type + ".ndjson"), StandardCharsets.UTF_8), 1 << 16);
        }

        String fileName() {
            return type + ".ndjson";
        }

        void write(IBaseResource r) throws IOException {
            String line = parser.encodeResourceToString(r);
            out.write(line);
            out.write('\n');
            count++;
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }

        void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException e) {
                LOG.warn("export file {} not closed: {}", type, e.toString());
            }
        }
    }

    /** Types named in {@code _type}, validated by the caller; all when null. */
    static Set<String> types(List<String> requested) {
        return requested == null || requested.isEmpty() ? new LinkedHashSet<>(TYPES) : new LinkedHashSet<>(requested);
    }

    static List<String> unknownTypes(List<String> requested) {
        List<String> unknown = new ArrayList<>();
        for (String t : requested) {
            if (!TYPES.contains(t)) {
                unknown.add(t);
            }
        }
        return unknown;
    }
}

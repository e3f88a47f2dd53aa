package vigil.sim.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import vigil.sim.SimConfig;
import vigil.sim.device.DeviceFleet;
import vigil.sim.device.DeviceIdentity;
import vigil.sim.device.SimulatedDevice;
import vigil.sim.device.SimulatedDialysisMachine;
import vigil.sim.device.SimulatedPump;
import vigil.telemetry.DeviceType;

/**
 * A scenario: which devices, how often they send, for how long, and the faults scheduled at times. Read from a
 * YAML or JSON file by {@link ScenarioLoader}; docs/scenarios.md describes the format.
 *
 * @param name        short name, e.g. {@code conductivity-drift}
 * @param description one or two sentences for people
 * @param seed        seed of every device model; the same scenario and seed give the same records
 * @param start       device time of the first record when the simulation's own clock is used (file output)
 * @param interval    each device sends one record every interval
 * @param duration    how long the run lasts (simulation time)
 * @param collectorId {@code collectorId} on every record, or {@code null}
 * @param groups      the devices, group after group
 * @param faults      the scheduled faults and events, in file order
 * @param settings    the settings loop, or {@code null} for none
 */
public record Scenario(
        String name,
        String description,
        long seed,
        Instant start,
        Duration interval,
        Duration duration,
        String collectorId,
        List<DeviceGroup> groups,
        List<Fault> faults,
        SettingsPolling settings) {

    /**
     * The settings loop of a scenario: which devices poll their settings and how often.
     *
     * @param pollInterval time between two polls of one device
     * @param deviceIds    the devices whose settings are polled
     */
    public record SettingsPolling(Duration pollInterval, List<String> deviceIds) {
        public SettingsPolling {
            Objects.requireNonNull(pollInterval, "pollInterval");
            deviceIds = List.copyOf(deviceIds);
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("settings.pollInterval must be positive");
            }
        }
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(duration, "duration");
        groups = List.copyOf(groups);
        faults = List.copyOf(faults);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one device group");
        }
        if (interval.isNegative() || interval.isZero() || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("interval and duration must be positive");
        }
        Map<String, DeviceType> types = new HashMap<>();
        Set<String> names = new HashSet<>();
        int total = 0;
        for (DeviceGroup g : groups) {
            if (!names.add(g.name())) {
                throw new IllegalArgumentException("two groups named '" + g.name() + "'");
            }
            total += g.count();
            if (total > SimConfig.MAX_DEVICES) {
                throw new IllegalArgumentException("at most " + SimConfig.MAX_DEVICES + " devices");
            }
            for (String id : g.deviceIds()) {
                if (types.put(id, g.type()) != null) {
                    throw new IllegalArgumentException("device id " + id + " is in two groups");
                }
            }
        }
        for (Fault f : faults) {
            for (String id : f.deviceIds()) {
                DeviceType type = types.get(id);
                if (type == null) {
                    throw new IllegalArgumentException(f.kind().wireName() + ": no device '" + id + "'");
                }
                if (f.kind().deviceType() != null && f.kind().deviceType() != type) {
                    throw new IllegalArgumentException(f.kind().wireName() + " does not apply to " + id);
                }
            }
        }
    }

    public int deviceCount() {
        return groups.stream().mapToInt(DeviceGroup::count).sum();
    }

    /** The group by name, for faults that target a group. */
    public DeviceGroup group(String groupName) {
        return groups.stream().filter(g -> g.name().equals(groupName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device group '" + groupName + "'"));
    }

    /** The scenario with another seed (the command line's {@code --seed}). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, newSeed, start, interval, duration, collectorId, groups, faults,
                settings);
    }

    /** The scenario with another run length (the command line's {@code --duration}). */
    public Scenario withDuration(Duration newDuration) {
        return new Scenario(name, description, seed, start, interval, newDuration, collectorId, groups, faults,
                settings);
    }

    /** Fresh device models, group after group, with seq from {@code startSeq}. */
    public List<SimulatedDevice> createDevices(long startSeq) {
        List<SimulatedDevice> devices = new ArrayList<>(deviceCount());
        for (DeviceGroup g : groups) {
            for (int i = 0; i < g.count(); i++) {
                if (g.type() == DeviceType.INFUSION_PUMP) {
                    devices.add(new SimulatedPump(new DeviceIdentity(g.deviceId(i), g.type(), g.careUnit(i),
                            DeviceFleet.PUMP_MODEL, collectorId, DeviceFleet.PUMP_FIRMWARE), seed, startSeq));
                } else {
                    devices.add(new SimulatedDialysisMachine(new DeviceIdentity(g.deviceId(i), g.type(),
                            g.careUnit(i), DeviceFleet.DIALYSIS_MODEL, collectorId, DeviceFleet.DIALYSIS_FIRMWARE),
                            seed, startSeq));
                }
            }
        }
        return devices;
    }

    /**
     * The driver's configuration: rate = devices / interval, the scenario's duration, no record limit.
     *
     * @param flushTimeout how long the end of the run waits for the sink
     */
    public SimConfig simConfig(long startSeq, Duration flushTimeout) {
        int pumps = 0;
        int dialysis = 0;
        for (DeviceGroup g : groups) {
            if (g.type() == DeviceType.INFUSION_PUMP) {
                pumps += g.count();
            } else {
                dialysis += g.count();
            }
        }
        double recordsPerSecond = deviceCount() * 1e9 / interval.toNanos();
        return new SimConfig(pumps, dialysis, recordsPerSecond, duration, 0, seed, List.of(), collectorId, startSeq,
                flushTimeout, Duration.ZERO);
    }
}

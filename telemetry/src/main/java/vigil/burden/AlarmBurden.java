package vigil.burden;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the {@link BurdenReport}: the one computation behind {@code GET /api/v1/reports/alarm-burden}, the
 * dashboard's report page and {@code vigil replay --report} (docs/alarm-burden.md). Stateless and thread-safe.
 *
 * <p>Definitions:
 * <ul>
 *   <li>An alert belongs to the range when its {@code raisedMillis} is in {@code [from, to)}; its whole history
 *       counts, also steps after {@code to}.
 *   <li>Device-days: every device in scope counts for the whole range, {@code devices x (to - from) / 1 day}, per
 *       care unit and device type. A device of an alert that is missing from the devices given is added with the
 *       alert's care unit and type (a device that alerted existed).
 *   <li>Raise time: the alert's RAISED step (else {@code raisedMillis}). Acknowledgement: the first step by a person
 *       (ACKNOWLEDGED, or CLEARED by someone other than {@code system}).
 *   <li>Nuisance: cleared by the engine ({@code system}) within 5 minutes of the raise, with no acknowledgement
 *       before.
 *   <li>Percentiles are nearest-rank: the value at rank {@code ceil(p x n)} of the sorted times (the median of an
 *       even count is the lower middle one): always a time that was measured.
 * </ul>
 */
public final class AlarmBurden {
    /** Cleared by itself within this long after its raise: a nuisance alert (issue 15's marker). */
    public static final long NUISANCE_WINDOW_MILLIS = 5 * 60_000L;
    public static final long DAY_MILLIS = 86_400_000L;
    /** How many devices {@link BurdenReport#topDevices()} lists by default. */
    public static final int DEFAULT_TOP_DEVICES = 10;

    private static final Comparator<String> NULLS_LAST = Comparator.nullsLast(Comparator.naturalOrder());

    private AlarmBurden() {}

    /**
     * @param fromMillis start of the range, inclusive, epoch millis
     * @param toMillis   end of the range, exclusive, epoch millis; greater than {@code fromMillis}
     * @param devices    the devices in scope (the denominator)
     * @param alerts     the alerts in scope; those raised outside the range are ignored
     * @param topDevices how many devices to list with the most alerts (0: none)
     */
    public static BurdenReport compute(long fromMillis, long toMillis, Collection<DeviceInScope> devices,
            Collection<AlertHistory> alerts, int topDevices) {
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("the range must end after it starts");
        }
        if (topDevices < 0) {
            throw new IllegalArgumentException("topDevices must be >= 0");
        }
        double days = (toMillis - fromMillis) / (double) DAY_MILLIS;
        Map<String, DeviceInScope> population = new LinkedHashMap<>();
        for (DeviceInScope d : devices) {
            population.putIfAbsent(d.deviceId(), d);
        }
        List<AlertHistory> inRange = new ArrayList<>();
        for (AlertHistory a : alerts) {
            if (a.raisedMillis() >= fromMillis && a.raisedMillis() < toMillis) {
                inRange.add(a);
                population.putIfAbsent(a.deviceId(), new DeviceInScope(a.deviceId(), a.careUnit(), a.deviceType()));
            }
        }
        Map<GroupKey, Integer> devicesByGroup = new HashMap<>();
        for (DeviceInScope d : population.values()) {
            devicesByGroup.merge(new GroupKey(d.careUnit(), d.deviceType()), 1, Integer::sum);
        }
        Map<RowKey, RowTally> tallies = new HashMap<>();
        Map<String, int[]> alertsByDevice = new HashMap<>();
        for (AlertHistory a : inRange) {
            tallies.computeIfAbsent(new RowKey(a.careUnit(), a.deviceType(), a.alertType()), k -> new RowTally())
                    .add(a);
            alertsByDevice.computeIfAbsent(a.deviceId(), k -> new int[1])[0]++;
        }
        List<BurdenReport.Group> groups = new ArrayList<>();
        devicesByGroup.forEach((k, n) -> groups.add(new BurdenReport.Group(k.careUnit(), k.deviceType(), n, n * days)));
        groups.sort(Comparator.comparing(BurdenReport.Group::careUnit, NULLS_LAST)
                .thenComparing(BurdenReport.Group::deviceType, NULLS_LAST));
        List<BurdenReport.Row> rows = new ArrayList<>();
        tallies.forEach((k, t) -> {
            int groupDevices = devicesByGroup.getOrDefault(new GroupKey(k.careUnit(), k.deviceType()), 0);
            rows.add(t.row(k, groupDevices * days));
        });
        rows.sort(Comparator.comparing(BurdenReport.Row::careUnit, NULLS_LAST)
                .thenComparing(BurdenReport.Row::deviceType, NULLS_LAST)
                .thenComparing(BurdenReport.Row::alertType));
        List<BurdenReport.TopDevice> top = new ArrayList<>();
        alertsByDevice.forEach((id, n) -> {
            DeviceInScope d = population.get(id);
            top.add(new BurdenReport.TopDevice(id, d.careUnit(), d.deviceType(), n[0]));
        });
        top.sort(Comparator.comparingInt(BurdenReport.TopDevice::alerts).reversed()
                .thenComparing(BurdenReport.TopDevice::deviceId));
        return new BurdenReport(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis), days,
                population.size(), population.size() * days, inRange.size(), groups, rows,
                top.subList(0, Math.min(topDevices, top.size())));
    }

    /** The value at rank {@code ceil(fraction x n)} of {@code sorted} (nearest-rank percentile); n > 0. */
    static long nearestRank(long[] sorted, int n, double fraction) {
        int rank = (int) Math.ceil(fraction * n);
        return sorted[Math.max(0, Math.min(n, rank) - 1)];
    }

    private record GroupKey(String careUnit, String deviceType) {}

    private record RowKey(String careUnit, String deviceType, String alertType) {}

    /** Counts of one row. Single thread. */
    private static final class RowTally {
        private int alerts;
        private int escalated;
        private int latched;
        private int acknowledged;
        private int selfCleared;
        private long[] ackMillis = new long[8];
        private int acks;

        void add(AlertHistory a) {
            alerts++;
            long raisedAt = a.raisedMillis();
            boolean sawEscalation = false;
            boolean sawLatch = false;
            Long ackAt = null;
            Long selfClearedAt = null;
            for (AlertHistory.Step s : a.steps()) {
                switch (s.change()) {
                    case "RAISED" -> raisedAt = s.atMillis();
                    case "ESCALATED" -> sawEscalation = true;
                    case "LATCHED" -> sawLatch = true;
                    default -> { }
                }
                if (ackAt == null && s.byPerson()) {
                    ackAt = s.atMillis();
                }
                if (ackAt == null && selfClearedAt == null && "CLEARED".equals(s.change())
                        && AlertHistory.SYSTEM_ACTOR.equals(s.actor())) {
                    selfClearedAt = s.atMillis();
                }
            }
            escalated += sawEscalation ? 1 : 0;
            latched += sawLatch ? 1 : 0;
            if (selfClearedAt != null && selfClearedAt - raisedAt <= NUISANCE_WINDOW_MILLIS) {
                selfCleared++;
            }
            if (ackAt != null) {
                acknowledged++;
                if (acks == ackMillis.length) {
                    ackMillis = Arrays.copyOf(ackMillis, acks * 2);
                }
                ackMillis[acks++] = Math.max(0, ackAt - raisedAt);
            }
        }

        BurdenReport.Row row(RowKey k, double deviceDays) {
            Double median = null;
            Double p90 = null;
            if (acks > 0) {
                long[] sorted = Arrays.copyOf(ackMillis, acks);
                Arrays.sort(sorted);
                median = nearestRank(sorted, acks, 0.5) / 1000.0;
                p90 = nearestRank(sorted, acks, 0.9) / 1000.0;
            }
            return new BurdenReport.Row(k.careUnit(), k.deviceType(), k.alertType(), alerts,
                    deviceDays > 0 ? alerts / deviceDays : null, escalated, latched, acknowledged, selfCleared,
                    alerts == 0 ? 0.0 : selfCleared / (double) alerts, median, p90);
        }
    }
}

package vigil.consumer.rules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import vigil.consumer.window.SingleWriterDialysisWindow;
import vigil.consumer.window.SingleWriterPumpWindow;
import vigil.telemetry.DeviceType;
import vigil.telemetry.DialysisRecord;
import vigil.telemetry.PumpRecord;
import vigil.telemetry.TelemetryRecord;

/**
 * The alert state of one device: its window, open alerts, settings and processing-time bookkeeping.
 *
 * <p><b>Threading contract.</b> One logical writer: the shard processor that owns the device (serial calls, possibly
 * on different threads, happens-before between calls). Every field is writer-private except the published
 * {@link DeviceFigures}: the writer stores it with release semantics in {@link #publish()} (once per batch), and any
 * number of reader threads load it with acquire semantics in {@link #figures()}, seeing a complete immutable object.
 */
public final class DeviceRules {
    private static final VarHandle PUBLISHED;

    static {
        try {
            PUBLISHED = MethodHandles.lookup().findVarHandle(DeviceRules.class, "published", DeviceFigures.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int REJECT_RING = 5; // DATA_QUALITY: >= 5 rejections within 5 min

    // Hot: touched on every record.
    final String deviceId;
    DeviceType deviceType; // null until the first applied record
    SingleWriterPumpWindow pumpWindow; // exactly one window, by type, once the type is known
    SingleWriterDialysisWindow dialysisWindow;
    TelemetryRecord newest; // greatest ts among applied records (equal ts: the later arrival)
    OpenAlert[] open; // index = AlertType ordinal; null until the first alert
    // Latest arrival of any accepted record, late ones included (processing time; alerts-v1.md v1.1 DEVICE_OFFLINE).
    long lastArrivalMillis = Long.MIN_VALUE;

    // Warm: settings and rejections.
    DeviceSettings settings; // null: none
    Thresholds thresholds = Thresholds.DEFAULTS;
    long[] rejectArrivalMillis; // ring of the last 5 rejection arrivals; null until the first
    int rejectCount; // total, ring index = rejectCount % 5
    boolean dirty; // changed since the last publish

    private DeviceFigures published = DeviceFigures.NONE; // only via PUBLISHED

    DeviceRules(String deviceId, DeviceSettings settings) {
        this.deviceId = deviceId;
        applySettings(settings);
    }

    void applySettings(DeviceSettings s) {
        settings = s;
        thresholds = s == null ? Thresholds.DEFAULTS : s.thresholds();
        if (pumpWindow != null) {
            configure(pumpWindow);
        }
    }

    /** No settings document applied (journal value of {@link #settingsVersion}). */
    public static final long NO_SETTINGS = Long.MIN_VALUE;

    /** The settings document the rules apply, null when none. */
    public DeviceSettings settings() {
        return settings;
    }

    /** The version of the settings document the rules apply, {@link #NO_SETTINGS} when none. */
    public long settingsVersion() {
        return settings == null ? NO_SETTINGS : settings.version();
    }

    /** The v1.1 thresholds that decide which samples a pump window's tracks match. */
    private void configure(SingleWriterPumpWindow w) {
        w.setSettleMillis(Math.round(thresholds.get(Threshold.PRESSURE_SETTLE_SEC) * 1000));
        w.setClockJumpMillis(Math.round(thresholds.get(Threshold.FLOW_CLOCK_JUMP_SEC) * 1000));
    }

    /** @param arrivalMillis the record's Kinesis arrival time (FLOW_ACCURACY_DRIFT's clock-jump check) */
    void offerToWindow(TelemetryRecord record, long arrivalMillis) {
        if (deviceType == null) {
            deviceType = record.deviceType();
            if (record instanceof PumpRecord) {
                pumpWindow = new SingleWriterPumpWindow();
                configure(pumpWindow);
            } else {
                dialysisWindow = new SingleWriterDialysisWindow();
            }
        }
        if (newest == null || record.tsMillis() >= newest.tsMillis()) {
            newest = record;
        }
        if (record instanceof PumpRecord p) {
            pumpWindow.offer(p.tsMillis(), arrivalMillis, p.metrics());
        } else if (record instanceof DialysisRecord d) {
            dialysisWindow.offer(d.tsMillis(), d.metrics());
        }
    }

    OpenAlert open(AlertType type) {
        return open == null ? null : open[type.ordinal()];
    }

    /** The care unit: the settings' when set, else the collector's on the newest record, else null. */
    public String careUnit() {
        if (settings != null && settings.careUnit() != null) {
            return settings.careUnit();
        }
        return newest == null ? null : newest.envelope().careUnit();
    }

    /** Computes the figures and publishes them (release store). Writer only; once per batch. */
    public DeviceFigures publish() {
        DeviceFigures f = computeFigures();
        PUBLISHED.setRelease(this, f); // release: the figures' fields are visible before the reference
        dirty = false;
        return f;
    }

    /** The last published figures (acquire load). Any thread. */
    public DeviceFigures figures() {
        return (DeviceFigures) PUBLISHED.getAcquire(this);
    }

    /** True when something changed since the last {@link #publish()}. Writer only. */
    public boolean isDirty() {
        return dirty;
    }

    public String deviceId() {
        return deviceId;
    }

    private DeviceFigures computeFigures() {
        List<String> ids = new ArrayList<>(2);
        if (open != null) {
            for (OpenAlert a : open) {
                if (a != null) {
                    ids.add(a.alertId);
                }
            }
        }
        if (newest instanceof PumpRecord p) {
            return new DeviceFigures(box(RuleFigures.flowErrorPct(pumpWindow)),
                    box(RuleFigures.pressureOffsetMmHg(pumpWindow)), null, null,
                    box(RuleFigures.minutesToEmpty(pumpWindow, p.metrics())),
                    box(RuleFigures.batteryMinutesLeft(pumpWindow, p.metrics())), null, null, ids);
        }
        if (newest instanceof DialysisRecord d) {
            return new DeviceFigures(null, null, box(RuleFigures.conductivityDivergenceMsCm(dialysisWindow)),
                    box(RuleFigures.temperatureDivergenceC(dialysisWindow)), null, null,
                    box(RuleFigures.acidMinutesLeft(dialysisWindow, d.metrics())),
                    box(RuleFigures.filterHoursLeft(d.metrics(), thresholds)), ids);
        }
        return new DeviceFigures(null, null, null, null, null, null, null, null, ids);
    }

    /** Null for NaN and infinities (not evaluable, or unbounded): DynamoDB numbers are finite. */
    private static Double box(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Writes this device's part of a recovery journal chunk (docs/storage.md, "Recovery journal"): arrival and
     * rejection bookkeeping and the open alerts with their history (the whole of it, every chunk), then the window's
     * samples: all retained ones ({@code base}) or those offered since the last chunk. The newest record and the
     * settings are not written: the ledger keeps the first, the settings source the second. Writer only.
     */
    public void writeJournal(DataOutput out, boolean base) throws IOException {
        out.writeLong(lastArrivalMillis);
        out.writeByte(deviceType == null ? -1 : deviceType.ordinal());
        out.writeInt(rejectCount);
        for (int i = 0; rejectArrivalMillis != null && i < REJECT_RING; i++) {
            out.writeLong(rejectArrivalMillis[i]);
        }
        int openCount = 0;
        for (int i = 0; open != null && i < open.length; i++) {
            openCount += open[i] == null ? 0 : 1;
        }
        out.writeByte(openCount);
        for (int i = 0; open != null && i < open.length; i++) {
            if (open[i] != null) {
                open[i].writeTo(out);
            }
        }
        if (pumpWindow != null) {
            pumpWindow.writeJournal(out, base);
        } else if (dialysisWindow != null) {
            dialysisWindow.writeJournal(out, base);
        }
    }

    /** True when the window holds samples no journal chunk has yet. Writer only. */
    public boolean hasUnjournaledSamples() {
        return pumpWindow != null ? pumpWindow.hasUnjournaled()
                : dialysisWindow != null && dialysisWindow.hasUnjournaled();
    }

    /**
     * Rebuilds a device's rule state from its journal chain (restore only): {@link #chunk} each chunk's part, base
     * first; the newest chunk's bookkeeping and alerts win, the windows replay every chunk's samples.
     */
    public static final class JournalReader {
        private final String deviceId;
        private long lastArrivalMillis = Long.MIN_VALUE;
        private DeviceType deviceType;
        private int rejectCount;
        private long[] rejectArrivalMillis;
        private OpenAlert[] open;
        private SingleWriterPumpWindow.Restorer pumpSamples;
        private SingleWriterDialysisWindow.Restorer dialysisSamples;

        public JournalReader(String deviceId) {
            this.deviceId = deviceId;
        }

        /** Reads this device's part of the next chunk of the chain, oldest first. */
        public void chunk(DataInput in) throws IOException {
            lastArrivalMillis = in.readLong();
            int type = in.readByte();
            DeviceType[] types = DeviceType.values();
            if (type < -1 || type >= types.length) {
                throw new IOException("device type " + type + " out of range");
            }
            deviceType = type < 0 ? null : types[type];
            rejectCount = in.readInt();
            rejectArrivalMillis = null;
            if (rejectCount > 0) {
                rejectArrivalMillis = new long[REJECT_RING];
                for (int i = 0; i < REJECT_RING; i++) {
                    rejectArrivalMillis[i] = in.readLong();
                }
            }
            open = null;
            for (int n = in.readByte(); n > 0; n--) {
                OpenAlert a = OpenAlert.readFrom(deviceId, in);
                if (open == null) {
                    open = new OpenAlert[AlertType.values().length];
                }
                open[a.type.ordinal()] = a;
            }
            if (deviceType == DeviceType.INFUSION_PUMP) {
                if (pumpSamples == null) {
                    pumpSamples = new SingleWriterPumpWindow.Restorer();
                }
                pumpSamples.apply(in);
            } else if (deviceType != null) {
                if (dialysisSamples == null) {
                    dialysisSamples = new SingleWriterDialysisWindow.Restorer();
                }
                dialysisSamples.apply(in);
            }
        }

        DeviceRules build(DeviceSettings settings, TelemetryRecord newest) {
            DeviceRules d = new DeviceRules(deviceId, settings);
            d.lastArrivalMillis = lastArrivalMillis;
            d.newest = newest;
            d.deviceType = deviceType;
            if (deviceType == DeviceType.INFUSION_PUMP) {
                d.pumpWindow = pumpSamples == null ? new SingleWriterPumpWindow() : pumpSamples.build();
                d.configure(d.pumpWindow);
            } else if (deviceType != null) {
                d.dialysisWindow =
                        dialysisSamples == null ? new SingleWriterDialysisWindow() : dialysisSamples.build();
            }
            d.rejectCount = rejectCount;
            d.rejectArrivalMillis = rejectArrivalMillis;
            d.open = open;
            d.dirty = false;
            return d;
        }
    }

    /** Bytes held by this device's window arrays (for the memory figure). */
    public long windowColumnBytes() {
        if (pumpWindow != null) {
            return pumpWindow.columnBytes();
        }
        return dialysisWindow == null ? 0 : dialysisWindow.columnBytes();
    }
}

package vigil.consumer.rules;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One open alert of one device and type, writer-private. Every change returns the alert's full new state as an
 * immutable {@link AlertTransition}.
 *
 * <p><b>Threading contract.</b> Writer-private (owned by the device's {@link DeviceRules}); never shared.
 */
final class OpenAlert {
    /** History kept per alert; beyond it the oldest entries after the raise are dropped (bounded memory). */
    static final int MAX_HISTORY = 100;

    final String alertId;
    final AlertType type;
    final long raisedTs;
    Priority priority;
    Priority maxPriority;
    AlertStatus status = AlertStatus.ACTIVE;
    String ackBy;
    Long ackAtMillis;
    String ackNote;
    final List<HistoryEntry> history = new ArrayList<>(4);

    OpenAlert(String deviceId, AlertType type, long raisedTs, Priority priority) {
        this.alertId = AlertTransition.alertId(deviceId, type, raisedTs);
        this.type = type;
        this.raisedTs = raisedTs;
        this.priority = priority;
        this.maxPriority = priority;
    }

    void record(Change change, long atMillis, String actor, double value) {
        if (history.size() == MAX_HISTORY) {
            history.remove(1);
        }
        history.add(new HistoryEntry(change, status, priority, atMillis, actor, Double.isNaN(value) ? null : value));
    }

    /** Writes the alert's full state (snapshot; see {@link DeviceRules#writeState}). */
    void writeTo(DataOutput out) throws IOException {
        out.writeByte(type.ordinal());
        out.writeLong(raisedTs);
        out.writeByte(priority.ordinal());
        out.writeByte(maxPriority.ordinal());
        out.writeByte(status.ordinal());
        writeNullable(out, ackBy);
        out.writeLong(ackAtMillis == null ? Long.MIN_VALUE : ackAtMillis);
        writeNullable(out, ackNote);
        out.writeShort(history.size());
        for (HistoryEntry h : history) {
            out.writeByte(h.change().ordinal());
            out.writeByte(h.status().ordinal());
            out.writeByte(h.priority().ordinal());
            out.writeLong(h.atMillis());
            writeNullable(out, h.actor());
            out.writeDouble(h.value() == null ? Double.NaN : h.value());
        }
    }

    static OpenAlert readFrom(String deviceId, DataInput in) throws IOException {
        AlertType type = AlertType.values()[in.readByte()];
        long raisedTs = in.readLong();
        Priority[] priorities = Priority.values();
        OpenAlert a = new OpenAlert(deviceId, type, raisedTs, priorities[in.readByte()]);
        a.maxPriority = priorities[in.readByte()];
        a.status = AlertStatus.values()[in.readByte()];
        a.ackBy = readNullable(in);
        long ackAt = in.readLong();
        a.ackAtMillis = ackAt == Long.MIN_VALUE ? null : ackAt;
        a.ackNote = readNullable(in);
        for (int n = in.readShort(); n > 0; n--) {
            Change change = Change.values()[in.readByte()];
            AlertStatus status = AlertStatus.values()[in.readByte()];
            Priority priority = priorities[in.readByte()];
            long atMillis = in.readLong();
            String actor = readNullable(in);
            double value = in.readDouble();
            a.history.add(new HistoryEntry(change, status, priority, atMillis, actor, Double.isNaN(value) ? null : value));
        }
        return a;
    }

    private static void writeNullable(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}

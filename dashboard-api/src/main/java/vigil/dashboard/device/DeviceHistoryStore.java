package vigil.dashboard.device;

import java.util.List;

/** Read access to the per-minute figure history. Implementations are thread-safe. */
public interface DeviceHistoryStore {
    /** Points of the device with minute start in {@code [fromMillis, toMillis]}, oldest first. */
    List<HistoryPoint> between(String deviceId, long fromMillis, long toMillis);
}

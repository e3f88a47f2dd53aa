package vigil.dashboard.device;

import java.util.List;
import java.util.Optional;

/** Read access to derived device state. Implementations are thread-safe. */
public interface DeviceStateStore {
    Optional<DeviceState> find(String deviceId);

    /**
     * Every device's state. Known limit of this version: a full table scan per call, fine for a fleet of a few
     * thousand devices; a care-unit index replaces it when fleets grow.
     */
    List<DeviceState> all();
}

package vigil.dashboard.device;

import java.util.List;

/**
 * One page of devices.
 *
 * @param items      states in list order
 * @param nextCursor cursor for the following page, or {@code null} on the last page
 */
record DevicePage(List<DeviceState> items, String nextCursor) {
    DevicePage {
        items = List.copyOf(items);
    }
}

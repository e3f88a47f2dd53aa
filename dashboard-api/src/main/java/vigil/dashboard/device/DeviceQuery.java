package vigil.dashboard.device;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import vigil.dashboard.auth.Access;
import vigil.dashboard.problem.InvalidRequestResponse;
import vigil.dashboard.query.Params;
import vigil.telemetry.Ids;

/**
 * The parameters of {@code GET /api/v1/devices}, validated, and the paging over a set of device states.
 *
 * @param careUnit  only devices of this care unit, or {@code null}
 * @param type      only this device type ({@code infusion_pump} or {@code dialysis}), or {@code null}
 * @param alerting  only devices with open alerts ({@code status=alerting})
 * @param limit     page size, 1..{@link #MAX_LIMIT}
 * @param cursor    position to continue after, or {@code null} for the first page
 */
record DeviceQuery(String careUnit, String type, boolean alerting, int limit, DeviceCursor cursor) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    /** telemetry-v1.md: careUnit is {@code ^[A-Za-z0-9._-]{1,32}$}. */
    private static final Pattern CARE_UNIT = Pattern.compile(Ids.CARE_UNIT_REGEX);
    private static final List<String> TYPES = List.of("infusion_pump", "dialysis");
    private static final List<String> STATUSES = List.of("all", "alerting");

    /** Newest arrival first; ties by deviceId so the order (and so the cursor) is total. */
    static final Comparator<DeviceState> LIST_ORDER = Comparator.comparingLong(DeviceState::lastArrivalMillis)
            .reversed()
            .thenComparing(DeviceState::deviceId);

    /**
     * Parses query parameters; unknown parameters are ignored.
     *
     * @throws InvalidRequestResponse listing every invalid parameter
     */
    static DeviceQuery parse(Map<String, List<String>> query) {
        Params params = new Params(query);
        String careUnit = params.matching("careUnit", CARE_UNIT.pattern(), "must be 1 to 32 of A-Z a-z 0-9 . _ -");
        String type = params.oneOf("type", TYPES, null);
        String status = params.oneOf("status", STATUSES, null);
        int limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT);
        DeviceCursor cursor = null;
        String cursorText = params.single("cursor");
        if (cursorText != null) {
            Optional<DeviceCursor> decoded = DeviceCursor.decode(cursorText);
            if (decoded.isEmpty()) {
                params.error("cursor", "is not a cursor from a previous answer");
            } else {
                cursor = decoded.get();
            }
        }
        params.check();
        return new DeviceQuery(careUnit, type, "alerting".equals(status), limit, cursor);
    }

    /** One page of the devices this caller may see that match the filters, in {@link #LIST_ORDER}. */
    DevicePage page(List<DeviceState> states, Access access) {
        List<DeviceState> matching = states.stream()
                .filter(s -> access.canSeeDevice(s.deviceId(), s.careUnit()))
                .filter(s -> careUnit == null || careUnit.equals(s.careUnit()))
                .filter(s -> type == null || type.equals(s.deviceType()))
                .filter(s -> !alerting || !s.openAlertIds().isEmpty())
                .filter(s -> cursor == null || cursor.precedes(s))
                .sorted(LIST_ORDER)
                .limit(limit + 1L)
                .toList();
        if (matching.size() <= limit) {
            return new DevicePage(matching, null);
        }
        List<DeviceState> items = matching.subList(0, limit);
        return new DevicePage(items, DeviceCursor.after(items.get(limit - 1)).encode());
    }
}

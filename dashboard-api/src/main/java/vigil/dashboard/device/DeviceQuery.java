package vigil.dashboard.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import vigil.dashboard.auth.Access;
import vigil.dashboard.problem.FieldError;
import vigil.dashboard.problem.InvalidRequestResponse;

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
    private static final Pattern CARE_UNIT = Pattern.compile("[A-Za-z0-9._-]{1,32}");
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
    static DeviceQuery parse(Map<String, List<String>> params) {
        List<FieldError> errors = new ArrayList<>();
        String careUnit = single(params, "careUnit", errors);
        if (careUnit != null && !CARE_UNIT.matcher(careUnit).matches()) {
            errors.add(new FieldError("careUnit", "must be 1 to 32 of A-Z a-z 0-9 . _ -"));
        }
        String type = single(params, "type", errors);
        if (type != null && !TYPES.contains(type)) {
            errors.add(new FieldError("type", "must be one of " + TYPES));
        }
        String status = single(params, "status", errors);
        if (status != null && !STATUSES.contains(status)) {
            errors.add(new FieldError("status", "must be one of " + STATUSES));
        }
        int limit = DEFAULT_LIMIT;
        String limitText = single(params, "limit", errors);
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
                if (limit < 1 || limit > MAX_LIMIT) {
                    errors.add(new FieldError("limit", "must be 1 to " + MAX_LIMIT));
                }
            } catch (NumberFormatException e) {
                errors.add(new FieldError("limit", "must be a whole number 1 to " + MAX_LIMIT));
            }
        }
        DeviceCursor cursor = null;
        String cursorText = single(params, "cursor", errors);
        if (cursorText != null) {
            Optional<DeviceCursor> decoded = DeviceCursor.decode(cursorText);
            if (decoded.isEmpty()) {
                errors.add(new FieldError("cursor", "is not a cursor from a previous answer"));
            } else {
                cursor = decoded.get();
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestResponse(errors);
        }
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

    private static String single(Map<String, List<String>> params, String name, List<FieldError> errors) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            errors.add(new FieldError(name, "must be given at most once"));
            return null;
        }
        String value = values.get(0);
        return value.isEmpty() ? null : value;
    }
}

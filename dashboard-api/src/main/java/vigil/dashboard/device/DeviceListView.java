package vigil.dashboard.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A list answer (api-v1.md conventions): {@code nextCursor} is absent on the last page. */
public record DeviceListView(
        List<DeviceView> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {}

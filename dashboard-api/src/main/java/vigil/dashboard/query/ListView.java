package vigil.dashboard.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A list answer (api-v1.md conventions): {@code nextCursor} is absent on the last page. */
public record ListView<T>(List<T> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {}

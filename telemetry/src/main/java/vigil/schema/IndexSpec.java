package vigil.schema;

import java.util.Objects;

/**
 * A global secondary index, projecting all attributes.
 *
 * @param sortKey the index sort key, or {@code null} for a hash-only index
 */
public record IndexSpec(String name, KeySpec partitionKey, KeySpec sortKey) {
    public IndexSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partitionKey, "partitionKey");
    }
}

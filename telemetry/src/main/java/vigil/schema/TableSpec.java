package vigil.schema;

import java.util.List;
import java.util.Objects;

/**
 * One DynamoDB table of Vigil.
 *
 * @param baseName     name without the deployment prefix, e.g. {@code device-state}
 * @param partitionKey the hash key
 * @param sortKey      the range key, or {@code null}
 * @param indexes      global secondary indexes
 * @param ttlAttribute the attribute holding the expiry time (epoch seconds), or {@code null} when items never
 *                     expire
 * @param changeStream whether the table has a stream of its changes (DynamoDB Streams, view {@code NEW_IMAGE}):
 *                     the tables whose changes others follow (docs/change-feeds.md)
 */
public record TableSpec(
        String baseName, KeySpec partitionKey, KeySpec sortKey, List<IndexSpec> indexes, String ttlAttribute,
        boolean changeStream) {
    public TableSpec {
        Objects.requireNonNull(baseName, "baseName");
        Objects.requireNonNull(partitionKey, "partitionKey");
        indexes = List.copyOf(indexes);
    }

    /** A table without a change stream. */
    public TableSpec(
            String baseName, KeySpec partitionKey, KeySpec sortKey, List<IndexSpec> indexes, String ttlAttribute) {
        this(baseName, partitionKey, sortKey, indexes, ttlAttribute, false);
    }

    /** The physical table name under a deployment prefix: {@code prefix + baseName}. */
    public String nameWith(String prefix) {
        return prefix + baseName;
    }
}

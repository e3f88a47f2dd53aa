package vigil.consumer.state.dynamodb;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import vigil.consumer.state.HashKeys;
import vigil.consumer.state.SnapshotStore;
import vigil.consumer.state.SnapshotsUnavailableException;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.Tables;

/**
 * Reads device snapshots from the device-state table: a Scan filtered on the padded {@code hashKey} (string order is
 * numeric order), projecting only the snapshot. One Scan per shard start; its cost grows with the fleet, which is
 * fine for a hospital's thousands of devices (a GSI on a hash-key prefix is the step beyond).
 *
 * <p><b>Threading contract.</b> Stateless; any thread.
 */
public final class DynamoSnapshotStore implements SnapshotStore {
    private final DynamoDbAsyncClient dynamo;
    private final String table;

    public DynamoSnapshotStore(DynamoDbAsyncClient dynamo, String tablePrefix) {
        this.dynamo = dynamo;
        this.table = Tables.DEVICE_STATE.nameWith(tablePrefix);
    }

    @Override
    public List<byte[]> snapshotsInRange(BigInteger startHashKey, BigInteger endHashKey)
            throws SnapshotsUnavailableException {
        List<byte[]> out = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        try {
            do {
                ScanRequest.Builder request = ScanRequest.builder()
                        .tableName(table)
                        .filterExpression("#h BETWEEN :lo AND :hi AND attribute_exists(#s)")
                        .projectionExpression("#s")
                        .expressionAttributeNames(Map.of(
                                "#h", DeviceStateAttributes.HASH_KEY, "#s", DeviceStateAttributes.SNAPSHOT))
                        .expressionAttributeValues(Map.of(
                                ":lo", AttributeValue.fromS(HashKeys.pad(startHashKey)),
                                ":hi", AttributeValue.fromS(HashKeys.pad(endHashKey))))
                        .consistentRead(true);
                if (startKey != null) {
                    request.exclusiveStartKey(startKey);
                }
                ScanResponse page = dynamo.scan(request.build()).join();
                for (Map<String, AttributeValue> item : page.items()) {
                    out.add(item.get(DeviceStateAttributes.SNAPSHOT).b().asByteArray());
                }
                startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey() : null;
            } while (startKey != null);
        } catch (CompletionException e) {
            throw new SnapshotsUnavailableException("scan of " + table + " failed", e.getCause());
        }
        return out;
    }
}

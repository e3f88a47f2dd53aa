package vigil.consumer.recovery.dynamodb;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import vigil.consumer.recovery.JournalUnavailableException;
import vigil.consumer.recovery.RecoveryStore;
import vigil.consumer.state.HashKeys;
import vigil.schema.RecoveryAttributes;
import vigil.schema.Tables;

/**
 * Reads a shard's devices' journal items from the device-recovery table: one Query per hash-key bucket the shard's
 * range touches ({@code bucket = :b AND slotKey BETWEEN :lo AND :hi}), pages followed, several buckets at once.
 * What it reads grows with the shard's devices (up to {@code SLOTS} items each), not with the fleet.
 *
 * <p><b>Threading contract.</b> Stateless; any thread.
 */
public final class DynamoRecoveryStore implements RecoveryStore {
    private static final int PARALLEL_QUERIES = 8;

    private final DynamoDbAsyncClient dynamo;
    private final String table;

    public DynamoRecoveryStore(DynamoDbAsyncClient dynamo, String tablePrefix) {
        this.dynamo = dynamo;
        this.table = Tables.DEVICE_RECOVERY.nameWith(tablePrefix);
    }

    @Override
    public Map<String, List<byte[]>> chunksInRange(BigInteger startHashKey, BigInteger endHashKey)
            throws JournalUnavailableException {
        int first = RecoveryItems.bucket(startHashKey);
        int last = RecoveryItems.bucket(endHashKey);
        String lo = HashKeys.pad(startHashKey);
        String hi = HashKeys.pad(endHashKey) + "#\uffff"; // every device and slot of the last hash key
        Map<String, List<byte[]>> out = new HashMap<>();
        try {
            for (int from = first; from <= last; from += PARALLEL_QUERIES) {
                List<CompletableFuture<List<Map<String, AttributeValue>>>> running = new ArrayList<>();
                for (int b = from; b <= Math.min(last, from + PARALLEL_QUERIES - 1); b++) {
                    running.add(queryBucket(b, lo, hi, null, new ArrayList<>()));
                }
                for (CompletableFuture<List<Map<String, AttributeValue>>> f : running) {
                    for (Map<String, AttributeValue> item : f.join()) {
                        String deviceId = RecoveryItems.deviceIdOf(item.get(RecoveryAttributes.SLOT_KEY).s());
                        out.computeIfAbsent(deviceId, k -> new ArrayList<>())
                                .add(item.get(RecoveryAttributes.CHUNK).b().asByteArrayUnsafe());
                    }
                }
            }
        } catch (CompletionException e) {
            throw new JournalUnavailableException("query of " + table + " failed", e.getCause());
        }
        return out;
    }

    private CompletableFuture<List<Map<String, AttributeValue>>> queryBucket(
            int bucket, String lo, String hi, Map<String, AttributeValue> startKey,
            List<Map<String, AttributeValue>> into) {
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#b = :b AND #k BETWEEN :lo AND :hi")
                .projectionExpression("#k, #c")
                .expressionAttributeNames(Map.of("#b", RecoveryAttributes.BUCKET, "#k", RecoveryAttributes.SLOT_KEY,
                        "#c", RecoveryAttributes.CHUNK))
                .expressionAttributeValues(Map.of(
                        ":b", AttributeValue.fromN(Integer.toString(bucket)),
                        ":lo", AttributeValue.fromS(lo),
                        ":hi", AttributeValue.fromS(hi)))
                .consistentRead(true);
        if (startKey != null) {
            request.exclusiveStartKey(startKey);
        }
        return dynamo.query(request.build()).thenCompose((QueryResponse page) -> {
            into.addAll(page.items());
            if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                return queryBucket(bucket, lo, hi, page.lastEvaluatedKey(), into);
            }
            return CompletableFuture.completedFuture(into);
        });
    }
}

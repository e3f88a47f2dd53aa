package vigil.consumer.state.dynamodb;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.state.AcknowledgementSource;
import vigil.schema.AlertAttributes;
import vigil.schema.Tables;

/**
 * {@link AcknowledgementSource} over the alerts table: consistent BatchGetItem of the alert ids (100 per request),
 * projecting only the acknowledgement's attributes. Unprocessed keys are left for the next poll.
 *
 * <p><b>Threading contract.</b> Stateless apart from the thread-safe client.
 */
public final class DynamoAcknowledgementSource implements AcknowledgementSource {
    private static final int MAX_KEYS_PER_REQUEST = 100; // BatchGetItem's limit

    private final DynamoDbAsyncClient dynamo;
    private final String alertsTable;

    public DynamoAcknowledgementSource(DynamoDbAsyncClient dynamo, String tablePrefix) {
        this.dynamo = dynamo;
        this.alertsTable = Tables.ALERTS.nameWith(tablePrefix);
    }

    @Override
    public List<Acknowledgement> acknowledgementsOf(Collection<String> alertIds) {
        List<String> ids = new ArrayList<>(alertIds);
        List<Acknowledgement> found = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += MAX_KEYS_PER_REQUEST) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + MAX_KEYS_PER_REQUEST))) {
                keys.add(Map.of(AlertAttributes.ALERT_ID, AttributeValue.fromS(id)));
            }
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder()
                            .requestItems(Map.of(alertsTable, KeysAndAttributes.builder()
                                    .keys(keys)
                                    .consistentRead(true)
                                    .projectionExpression("alertId, ackAt, ackBy, ackNote")
                                    .build()))
                            .build())
                    .join();
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(alertsTable, List.of())) {
                Acknowledgement ack = AlertItems.acknowledgement(item);
                if (ack != null) {
                    found.add(ack);
                }
            }
        }
        return found;
    }
}

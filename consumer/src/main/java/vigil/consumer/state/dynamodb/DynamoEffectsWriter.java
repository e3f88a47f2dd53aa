package vigil.consumer.state.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import vigil.consumer.device.DeviceSnapshot;
import vigil.consumer.metrics.ConsumerMeters;
import vigil.consumer.recovery.RecoveryChunk;
import vigil.consumer.recovery.dynamodb.RecoveryItems;
import vigil.consumer.rules.Acknowledgement;
import vigil.consumer.rules.AlertTransition;
import vigil.consumer.state.AcknowledgementSink;
import vigil.consumer.state.EffectsNotDurableException;
import vigil.consumer.state.EffectsWriter;
import vigil.consumer.state.PendingEffects;
import vigil.consumer.state.QuarantinedRecord;
import vigil.schema.DeviceStateAttributes;
import vigil.schema.RecoveryAttributes;
import vigil.schema.Tables;

/**
 * Writes a batch's effects to DynamoDB and returns only when every one is durable.
 *
 * <ul>
 *   <li>Device state: a PutItem per device, conditional on the stored {@code lastSeq} not being greater, so that
 *       a replay after failover can never move a device's state backwards. A failed condition means the stored
 *       state is already as new or newer: success.
 *   <li>Quarantine: a PutItem per record keyed by shard and sequence number: a replay rewrites the same item.
 *   <li>Alerts: a PutItem of the alert's full state (history included) per alert the batch changed, keyed by the
 *       deterministic alertId, conditional on the stored history not being longer: a replay rewrites the same
 *       item and can never move an alert backwards. The condition also requires the stored {@code ackAt} to be
 *       absent or to be the acknowledgement the transition carries (compared to the millisecond: the API writes
 *       its clock's full precision), so a consumer write never overwrites an acknowledgement made in the API
 *       (contract in {@link vigil.schema.AlertAttributes}). When that part fails, the stored item (returned with
 *       the failure) holds an acknowledgement the engine did not know of: it is handed to
 *       {@link PendingEffects#acknowledgements()}, which applies it to the engine, and the alert's resulting state
 *       is written instead, before this call returns and therefore before any checkpoint. If the engine cannot
 *       apply it (the alert is already cleared there), the acknowledgement is merged into the refused item.
 *   <li>Recovery journal: a PutItem per chunk into its device's slot, conditional on the stored chunk not being
 *       newer ({@code chunkSeq}), so a previous owner's late write never replaces a new owner's chunk.
 * </ul>
 *
 * Every item written is metered by size ({@link ConsumerMeters#itemWritten}: billed write units per table).
 *
 * Failed writes (throttling, timeouts, service errors) are retried with exponential backoff and full jitter, for as
 * long as it takes: a write that keeps failing stops checkpointing, never drops data. Only an interrupt ends the
 * retries, with {@link EffectsNotDurableException}.
 *
 * <p><b>Threading contract.</b> Stateless apart from thread-safe collaborators and the worker-wide limit of
 * {@link #MAX_IN_FLIGHT} writes in flight: one instance serves every shard processor of the worker concurrently.
 */
public final class DynamoEffectsWriter implements EffectsWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoEffectsWriter.class);
    /**
     * Writes in flight for the whole worker (every shard's calls share them): below the client's 100 pooled
     * connections, so that KCL's lease renewals and the feeds on the same client always find a connection.
     */
    public static final int MAX_IN_FLIGHT = 64;
    private static final long BASE_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final String STATE_CONDITION =
            "attribute_not_exists(" + DeviceStateAttributes.DEVICE_ID + ") OR "
                    + DeviceStateAttributes.LAST_SEQ + " <= :seq";
    private static final String ALERT_CONDITION = "(attribute_not_exists(alertId) OR " + AlertItems.HISTORY_COUNT
            + " <= :n) AND (attribute_not_exists(ackAt) OR ackAt = :ackExact OR begins_with(ackAt, :ackMillis))";
    private static final String NO_ACK = "none"; // matches no ISO-8601 time
    private static final String CHUNK_CONDITION = "attribute_not_exists(" + RecoveryAttributes.CHUNK_SEQ + ") OR "
            + RecoveryAttributes.CHUNK_SEQ + " < :seq";

    private final DynamoDbAsyncClient dynamo;
    private final String deviceStateTable;
    private final String quarantineTable;
    private final String alertsTable;
    private final String recoveryTable;
    private final Duration quarantineTtl;
    private final ConsumerMeters meters;
    private final Semaphore slots;

    public DynamoEffectsWriter(
            DynamoDbAsyncClient dynamo, String tablePrefix, Duration quarantineTtl, ConsumerMeters meters) {
        this(dynamo, tablePrefix, quarantineTtl, meters, MAX_IN_FLIGHT);
    }

    /** As above with another limit of writes in flight (benchmarks compare limits; the client's pool must fit). */
    public DynamoEffectsWriter(DynamoDbAsyncClient dynamo, String tablePrefix, Duration quarantineTtl,
            ConsumerMeters meters, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
        this.dynamo = dynamo;
        this.deviceStateTable = Tables.DEVICE_STATE.nameWith(tablePrefix);
        this.quarantineTable = Tables.QUARANTINE.nameWith(tablePrefix);
        this.alertsTable = Tables.ALERTS.nameWith(tablePrefix);
        this.recoveryTable = Tables.DEVICE_RECOVERY.nameWith(tablePrefix);
        this.quarantineTtl = quarantineTtl;
        this.meters = meters;
        this.slots = new Semaphore(maxInFlight, true);
    }

    @Override
    public void writeDurably(PendingEffects effects) throws EffectsNotDurableException {
        PendingEffects round = effects;
        while (!round.isEmpty()) {
            List<Refusal> refusals = writeRound(round);
            round = resolve(refusals, effects.acknowledgements());
        }
    }

    /** An alert write refused because the stored item holds an acknowledgement the transition does not carry. */
    private record Refusal(AlertTransition refused, Acknowledgement storedAck) {}

    private PendingEffects resolve(List<Refusal> refusals, AcknowledgementSink sink) {
        if (refusals.isEmpty()) {
            return PendingEffects.NONE;
        }
        List<DeviceSnapshot> states = new ArrayList<>();
        List<AlertTransition> alerts = new ArrayList<>();
        for (Refusal r : refusals) {
            meters.acknowledgementApplied();
            PendingEffects applied = sink.apply(r.storedAck());
            boolean engineApplied = false;
            for (AlertTransition t : applied.alerts()) {
                engineApplied |= t.alertId().equals(r.refused().alertId()) && carries(t, r.storedAck());
            }
            states.addAll(applied.deviceStates());
            alerts.addAll(applied.alerts());
            if (!engineApplied) {
                alerts.add(AlertItems.mergeAcknowledgement(r.refused(), r.storedAck()));
            }
        }
        LOG.info("{} alert writes met an acknowledgement made in the API; applied and writing again",
                refusals.size());
        return new PendingEffects(states, List.of(), alerts);
    }

    private static boolean carries(AlertTransition t, Acknowledgement ack) {
        return t.ackAtMillis() != null && t.ackAtMillis() == ack.atMillis();
    }

    private List<Refusal> writeRound(PendingEffects effects) throws EffectsNotDurableException {
        List<Refusal> refusals = new CopyOnWriteArrayList<>();
        List<Supplier<CompletableFuture<?>>> writes = new ArrayList<>();
        for (QuarantinedRecord q : effects.quarantined()) {
            Map<String, AttributeValue> item = QuarantineItems.toItem(q, quarantineTtl);
            PutItemRequest request = PutItemRequest.builder().tableName(quarantineTable).item(item).build();
            writes.add(metered(Tables.QUARANTINE.baseName(), item, () -> dynamo.putItem(request)));
        }
        Map<String, AlertTransition> latest = new LinkedHashMap<>(); // the last state of each alert in the batch
        for (AlertTransition a : effects.alerts()) {
            latest.put(a.alertId(), a);
        }
        for (AlertTransition a : latest.values()) {
            String ackExact = a.ackAtMillis() == null ? NO_ACK : Instant.ofEpochMilli(a.ackAtMillis()).toString();
            String ackMillis = a.ackAtMillis() == null ? NO_ACK : AlertItems.isoToMillis(a.ackAtMillis());
            PutItemRequest request = PutItemRequest.builder()
                    .tableName(alertsTable)
                    .item(AlertItems.toItem(a))
                    .conditionExpression(ALERT_CONDITION)
                    .expressionAttributeValues(Map.of(
                            ":n", DeviceStateItems.number(a.history().size()),
                            ":ackExact", AttributeValue.fromS(ackExact),
                            ":ackMillis", AttributeValue.fromS(ackMillis)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build();
            writes.add(metered(Tables.ALERTS.baseName(), request.item(),
                    () -> dynamo.putItem(request).exceptionally(e -> {
                    if (unwrap(e) instanceof ConditionalCheckFailedException ccf) {
                        Acknowledgement stored = AlertItems.acknowledgement(ccf.item());
                        if (stored != null && !carries(a, stored)) {
                            refusals.add(new Refusal(a, stored));
                        }
                        return null; // otherwise the stored item is as new or newer: nothing to do
                    }
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                })));
        }
        for (DeviceSnapshot s : effects.deviceStates()) {
            PutItemRequest request = PutItemRequest.builder()
                    .tableName(deviceStateTable)
                    .item(DeviceStateItems.toItem(s))
                    .conditionExpression(STATE_CONDITION)
                    .expressionAttributeValues(Map.of(":seq", DeviceStateItems.number(s.lastSeq())))
                    .build();
            writes.add(metered(Tables.DEVICE_STATE.baseName(), request.item(),
                    () -> conditional(dynamo.putItem(request))));
        }
        long nowMillis = System.currentTimeMillis(); // TTL only
        for (RecoveryChunk c : effects.recoveryChunks()) {
            PutItemRequest request = PutItemRequest.builder()
                    .tableName(recoveryTable)
                    .item(RecoveryItems.toItem(c, nowMillis))
                    .conditionExpression(CHUNK_CONDITION)
                    .expressionAttributeValues(Map.of(":seq", DeviceStateItems.number(c.chunkSeq())))
                    .build();
            writes.add(metered(Tables.DEVICE_RECOVERY.baseName(), request.item(),
                    () -> conditional(dynamo.putItem(request))));
        }
        writeAll(writes);
        meters.quarantineWritten(effects.quarantined().size());
        meters.stateWritten(effects.deviceStates().size());
        return refusals;
    }

    /** Meters every attempt of a write by its item's size (AWS bills each attempt that reaches the table). */
    private Supplier<CompletableFuture<?>> metered(
            String table, Map<String, AttributeValue> item, Supplier<CompletableFuture<?>> write) {
        int bytes = ItemSize.of(item);
        return () -> {
            meters.itemWritten(table, bytes);
            return write.get();
        };
    }

    private static CompletableFuture<?> conditional(CompletableFuture<?> put) {
        return put.exceptionally(e -> {
            if (unwrap(e) instanceof ConditionalCheckFailedException) {
                return null; // stored item is as new or newer: nothing to do
            }
            throw e instanceof CompletionException ce ? ce : new CompletionException(e);
        });
    }

    private void writeAll(List<Supplier<CompletableFuture<?>>> writes) throws EffectsNotDurableException {
        List<Supplier<CompletableFuture<?>>> pending = writes;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            List<Supplier<CompletableFuture<?>>> failed = new ArrayList<>();
            Throwable lastError = null;
            // a sliding window: a write starts as soon as a slot is free, so one slow write holds up only its own
            // slot (fixed chunks waited for their slowest write each); the fair semaphore interleaves the shards
            List<CompletableFuture<?>> futures = new ArrayList<>(pending.size());
            for (Supplier<CompletableFuture<?>> write : pending) {
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EffectsNotDurableException("interrupted while writing to DynamoDB", e);
                }
                CompletableFuture<?> future;
                try {
                    future = write.get();
                } catch (RuntimeException e) { // the client refused the request before sending it
                    future = CompletableFuture.failedFuture(e);
                }
                future.whenComplete((ok, e) -> slots.release());
                futures.add(future);
            }
            meters.writeRequests(pending.size());
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).join();
                } catch (CompletionException e) {
                    failed.add(pending.get(i));
                    lastError = unwrap(e);
                }
            }
            if (!failed.isEmpty()) {
                for (int i = 0; i < failed.size(); i++) {
                    meters.writeRetried();
                }
                if (attempt == 0 || Integer.bitCount(attempt) == 1) { // log at attempts 1, 2, 4, 8, ...
                    LOG.warn("{} of {} DynamoDB writes failed (attempt {}): {}; retrying, not checkpointing",
                            failed.size(), pending.size(), attempt + 1, describe(lastError));
                }
            }
            pending = failed;
        }
    }

    private static void backoff(int attempt) throws EffectsNotDurableException {
        long capMillis = Math.min(MAX_BACKOFF_MILLIS, BASE_BACKOFF_MILLIS << Math.min(attempt, 20));
        long sleepMillis = ThreadLocalRandom.current().nextLong(capMillis / 2, capMillis + 1); // jitter
        try {
            Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EffectsNotDurableException("interrupted while retrying DynamoDB writes", e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Class and AWS error code only: messages are not trusted to be free of item contents. */
    private static String describe(Throwable e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException ase) {
            return e.getClass().getSimpleName() + " (" + ase.awsErrorDetails().errorCode() + ", HTTP "
                    + ase.statusCode() + ")";
        }
        return e == null ? "unknown" : e.getClass().getSimpleName();
    }
}

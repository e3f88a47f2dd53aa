package vigil.sim.publish;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Packs several user records into one Kinesis record in the KPL aggregation format, which KCL de-aggregates
 * (telemetry-v1.md, "Transport": collectors may aggregate; the consumer must accept both).
 *
 * <p>Format, as KCL's {@code retrieval/AggregatorUtil.deaggregate} and {@code messages.proto} read it:
 * <pre>
 *   0xF3 0x89 0x9A 0xC2                     magic
 *   AggregatedRecord (protobuf, proto2)
 *     1: repeated string partition_key_table
 *     2: repeated string explicit_hash_key_table
 *     3: repeated Record records
 *          1: required uint64 partition_key_index
 *          2: optional uint64 explicit_hash_key_index
 *          3: required bytes   data
 *   MD5 of the AggregatedRecord bytes       16 bytes
 * </pre>
 * A record whose magic or checksum does not match is delivered by KCL as one plain record. When one user record's
 * effective hash key (explicit hash key, else MD5 of the partition key) lies outside the receiving shard's range,
 * KCL drops the whole aggregate, silently; so all user records of one aggregate must map to the shard the Kinesis
 * record goes to: the caller aggregates per shard, or per partition key, as the KPL does
 * ({@link ShardAggregatingBatchPlanner}).
 *
 * <p>The protobuf is written by hand (varints and length-delimited fields): four field types do not justify a
 * generated-code dependency.
 *
 * <p><b>Threading contract.</b> Stateless; any thread may call {@link #aggregate} concurrently.
 */
public final class KplAggregator {
    /** The first four bytes of every aggregated record. */
    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    private static final int DIGEST_BYTES = 16;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_LENGTH_DELIMITED = 2;

    /**
     * One user record.
     *
     * @param partitionKey    the user record's partition key (for telemetry, its deviceId)
     * @param explicitHashKey decimal 128-bit hash key overriding the partition key's hash, or {@code null}
     * @param data            the payload
     */
    public record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {
        public UserRecord {
            Objects.requireNonNull(partitionKey, "partitionKey");
            Objects.requireNonNull(data, "data");
        }

        public static UserRecord of(String partitionKey, byte[] data) {
            return new UserRecord(partitionKey, null, data);
        }
    }

    private KplAggregator() {}

    /** The bytes of one Kinesis record holding {@code records} in order (sub-sequence numbers 0, 1, ...). */
    public static byte[] aggregate(List<UserRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an aggregated record needs at least one user record");
        }
        Map<String, Integer> partitionKeys = new LinkedHashMap<>();
        Map<String, Integer> hashKeys = new LinkedHashMap<>();
        List<byte[]> encodedRecords = new ArrayList<>(records.size());
        for (UserRecord r : records) {
            ByteArrayOutputStream rec = new ByteArrayOutputStream(r.data().length + 16);
            int pk = partitionKeys.computeIfAbsent(r.partitionKey(), k -> partitionKeys.size());
            writeTag(rec, 1, WIRE_VARINT);
            writeVarint(rec, pk);
            if (r.explicitHashKey() != null) {
                int ehk = hashKeys.computeIfAbsent(r.explicitHashKey(), k -> hashKeys.size());
                writeTag(rec, 2, WIRE_VARINT);
                writeVarint(rec, ehk);
            }
            writeBytesField(rec, 3, r.data());
            encodedRecords.add(rec.toByteArray());
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (String key : partitionKeys.keySet()) {
            writeBytesField(message, 1, key.getBytes(StandardCharsets.UTF_8));
        }
        for (String key : hashKeys.keySet()) {
            writeBytesField(message, 2, key.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] rec : encodedRecords) {
            writeBytesField(message, 3, rec);
        }
        byte[] protobuf = message.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + protobuf.length + DIGEST_BYTES);
        out.writeBytes(MAGIC);
        out.writeBytes(protobuf);
        out.writeBytes(md5(protobuf));
        return out.toByteArray();
    }

    private static void writeTag(ByteArrayOutputStream out, int field, int wireType) {
        writeVarint(out, (field << 3) | wireType);
    }

    private static void writeBytesField(ByteArrayOutputStream out, int field, byte[] value) {
        writeTag(out, field, WIRE_LENGTH_DELIMITED);
        writeVarint(out, value.length);
        out.writeBytes(value);
    }

    /** Unsigned LEB128, as protobuf writes uint64 and lengths. */
    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}

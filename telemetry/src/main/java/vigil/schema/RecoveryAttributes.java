package vigil.schema;

/**
 * Attribute names of the device-recovery table: the consumer's recovery journal (docs/storage.md, "Recovery
 * journal"), written and read by the consumer only. One item per device and slot; a device has at most
 * {@code SLOTS} items (32), overwritten in turn, each holding one chunk.
 */
public final class RecoveryAttributes {
    /**
     * Partition key (N): the top 8 bits of the device's Kinesis hash key (0-255), so that a shard's next owner reads
     * its devices with one Query per bucket its hash key range touches, never the whole table.
     */
    public static final String BUCKET = "bucket";
    /**
     * Sort key (S): the device's hash key as 39 zero-padded decimal digits, {@code #}, the device id, {@code #}, the
     * slot (2 digits). String order is hash-key order, so a Query selects a shard's range exactly.
     */
    public static final String SLOT_KEY = "slotKey";
    /** The chunk's number (N), increasing per device; a write never replaces a larger one. */
    public static final String CHUNK_SEQ = "chunkSeq";
    /** The encoded chunk (B). */
    public static final String CHUNK = "chunk";
    /** TTL attribute, epoch seconds: a device silent this long loses its journal (a new chain starts). */
    public static final String EXPIRES_AT = "expiresAt";
    /** Days a journal item lives after its last write. */
    public static final int RETENTION_DAYS = 30;

    private RecoveryAttributes() {}
}

/** Per-record handling of one shard's records, independent of KCL: decode, classify, collect pending effects. */
package vigil.consumer.ingest;

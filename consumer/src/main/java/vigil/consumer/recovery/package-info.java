/** The recovery journal: what a new owner of a shard needs to continue its devices' windows and alerts exactly. */
package vigil.consumer.recovery;

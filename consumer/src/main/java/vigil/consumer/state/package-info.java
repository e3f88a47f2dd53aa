/** Durable effects of processing (device state, quarantined records) and the contract for writing them. */
package vigil.consumer.state;

/** Every consumer meter, declared in one place. Devices are never tags. */
package vigil.consumer.metrics;

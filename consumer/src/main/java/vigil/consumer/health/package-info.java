/** Liveness and readiness of the consumer, served by {@code vigil.consumer.metrics.MetricsServer}. */
package vigil.consumer.health;

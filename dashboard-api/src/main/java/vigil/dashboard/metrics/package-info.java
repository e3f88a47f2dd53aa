/** HTTP and JVM metrics of the dashboard API and their Prometheus port. */
package vigil.dashboard.metrics;

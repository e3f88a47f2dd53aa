/**
 * The alert catalogue of alerts-v1.md: rule figures, raise/clear decisions and the alert lifecycle, evaluated over
 * the windows of {@code vigil.consumer.window}; pure, time passed in, no I/O.
 */
package vigil.consumer.rules;

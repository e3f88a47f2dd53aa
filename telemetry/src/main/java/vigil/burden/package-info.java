/**
 * The alarm burden report (docs/alarm-burden.md): per care unit, device type and alert type, how many alerts a device
 * raises per day and how they end. One computation shared by the dashboard API (alerts read from the table) and the
 * offline replay (alert transitions of a recorded file). Plain Java, no AWS or HTTP imports.
 */
package vigil.burden;

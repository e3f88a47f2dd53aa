/** Device state as the consumer wrote it, served read-only: the device list and the single-device view. */
package vigil.dashboard.device;

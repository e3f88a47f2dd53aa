/** The telemetry-v1 wire contract: immutable records per device type, one encoder and one strict decoder. */
package vigil.telemetry;

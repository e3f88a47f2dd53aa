/** The Vigil consumer: KCL record processors that decode telemetry and write derived device state to DynamoDB. */
package vigil.consumer;

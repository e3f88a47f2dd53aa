/** Offline replay of a JSON-lines telemetry file through the decoder and the alert engine (backtesting). */
package vigil.consumer.replay;

/** Where simulated records go: Kinesis with ordered, lossless retries, or a JSON-lines file. */
package vigil.sim.publish;

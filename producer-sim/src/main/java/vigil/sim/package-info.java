/** The telemetry simulator: configuration, the paced driver that turns simulated devices into published records, and the command line. */
package vigil.sim;

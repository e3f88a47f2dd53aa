/** Scenario files (devices, rate, care units, faults scheduled at times) and the fault schedule that plays them. */
package vigil.sim.scenario;

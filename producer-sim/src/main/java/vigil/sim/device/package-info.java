/** Simulated infusion pumps and dialysis machines that produce plausible, in-range telemetry-v1 records, deterministic for a seed. */
package vigil.sim.device;

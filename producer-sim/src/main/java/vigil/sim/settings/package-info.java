/** The collector's settings loop: poll each device's settings document from the API and apply its calibration. */
package vigil.sim.settings;

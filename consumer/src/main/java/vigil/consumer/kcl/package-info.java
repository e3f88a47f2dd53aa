/** The only package that imports KCL: record processor, its factory and the scheduler wiring. */
package vigil.consumer.kcl;

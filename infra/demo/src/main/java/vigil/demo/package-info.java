/** The local system launcher: emulators, consumer, dashboard API and simulator in one process, stopped by Ctrl-C. */
package vigil.demo;

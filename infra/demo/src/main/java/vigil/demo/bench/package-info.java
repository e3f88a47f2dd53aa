/** {@code ./vigil bench}: the end-to-end benchmark on the local stack, its report and plots. */
package vigil.demo.bench;

package vigil.demo.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code ./vigil bench}.
 *
 * @param rates          offered rates, records/s, in order
 * @param devices        simulated devices (half pumps, half dialysis machines); each sends rate/devices records/s
 * @param primeSeconds   per configuration, seconds of unmeasured traffic after start-up (JIT, connections)
 * @param warmupSeconds  per rate, seconds sent before measuring
 * @param measureSeconds per rate, seconds measured
 * @param shards         Kinesis shards
 * @param configs        configurations to run, in order ({@code ours}, {@code comparison}, {@code kcl-defaults},
 *                       {@code fast})
 * @param docs           where benchmarks.md and the plots go
 */
record BenchOptions(List<Integer> rates, int devices, int primeSeconds, int warmupSeconds, int measureSeconds,
        int shards,
        List<String> configs, Path docs) {

    static final String USAGE = String.join("\n",
            "Usage: ./vigil bench [options]",
            "",
            "End-to-end benchmark on the local stack (loopback only): starts the Kinesis and DynamoDB emulators, runs",
            "the consumer in a child JVM, drives the simulator at each rate and measures sustained records/s, latency",
            "from device time to durable state (p50/p99/p99.9), DynamoDB writes per record, consumer CPU and heap.",
            "Each configuration gets its own fresh stack; its KCL start-up (20-40 s) is not measured.",
            "Writes the 'End-to-end' section of DOCS/benchmarks.md and DOCS/bench/*.svg.",
            "",
            "Options:",
            "  --rates R1,R2,...     offered rates in records/s (default 250,1000,2500,5000)",
            "  --devices N           simulated devices (default 1000)",
            "  --prime SECONDS       per configuration, unmeasured traffic after start-up (default 15)",
            "  --warmup SECONDS      per rate, before measuring (default 5)",
            "  --measure SECONDS     per rate, measured (default 20)",
            "  --shards N            Kinesis shards (default 4)",
            "  --configs A,B         ours, comparison, kcl-defaults, fast (default ours,comparison):",
            "                          ours        poll 200 ms, 1000 records per call, state writes coalesced",
            "                                      (one per device per second, at once on alert transitions)",
            "                          comparison  KCL polling defaults (1500 ms, 10000 records per call), one state",
            "                                      write per record",
            "                          kcl-defaults  KCL polling defaults with ours' writes (separates the two effects)",
            "                          fast        as ours with a 50 ms poll (custom sleep controller; emulator only)",
            "  --docs DIR            output folder (default docs)",
            "  --help                this text",
            "",
            "With the defaults the whole run takes about 7-9 minutes.");

    static BenchOptions parse(String[] args) {
        List<Integer> rates = List.of(250, 1000, 2500, 5000);
        int devices = 1000;
        int prime = 15;
        int warmup = 5;
        int measure = 20;
        int shards = 4;
        List<String> configs = List.of("ours", "comparison");
        Path docs = Path.of("docs");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--rates" -> {
                    List<Integer> r = new ArrayList<>();
                    for (String s : v.split(",")) {
                        r.add(positive(a, s));
                    }
                    rates = List.copyOf(r);
                }
                case "--devices" -> devices = positive(a, v);
                case "--prime" -> prime = positive(a, v);
                case "--warmup" -> warmup = positive(a, v);
                case "--measure" -> measure = positive(a, v);
                case "--shards" -> shards = positive(a, v);
                case "--configs" -> {
                    List<String> c = new ArrayList<>();
                    for (String s : v.split(",")) {
                        if (!List.of("ours", "comparison", "kcl-defaults", "fast").contains(s.trim())) {
                            throw new IllegalArgumentException("unknown configuration " + s);
                        }
                        c.add(s.trim());
                    }
                    configs = List.copyOf(c);
                }
                case "--docs" -> docs = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new BenchOptions(rates, devices, prime, warmup, measure, shards, configs, docs);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, was " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was " + value, e);
        }
    }
}

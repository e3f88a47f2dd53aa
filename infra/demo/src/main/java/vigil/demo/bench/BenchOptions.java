package vigil.demo.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code ./vigil bench}.
 *
 * @param rates          offered rates, records/s, in order
 * @param devices        simulated devices (half pumps, half dialysis machines); each sends rate/devices records/s
 * @param primeSeconds   per configuration, seconds of device time sent as a backlog at the first rate before
 *                       measuring (catch-up priming: fills the 10-minute windows; also JIT, connections)
 * @param primeTimeoutSeconds per configuration, longest priming; figures measured after a timed-out priming say
 *                       their window fill
 * @param warmupSeconds  per rate, seconds sent before measuring
 * @param measureSeconds per rate, seconds measured
 * @param shards         Kinesis shards
 * @param configs        configurations to run, in order ({@code ours}, {@code comparison}, {@code kcl-defaults},
 *                       {@code fast})
 * @param docs           where benchmarks.md and the plots go
 */
record BenchOptions(List<Integer> rates, int devices, int primeSeconds, int primeTimeoutSeconds, int warmupSeconds,
        int measureSeconds, int shards,
        List<String> configs, Path docs) {

    static final String USAGE = String.join("\n",
            "Usage: ./vigil bench [options]",
            "",
            "End-to-end benchmark in steady state on the local stack (loopback only): starts the Kinesis and DynamoDB",
            "emulators, runs the consumer in a child JVM, fills its 10-minute windows by catch-up (the simulator starts",
            "its devices' time --prime seconds in the past and sends that backlog as fast as the stack takes it), then",
            "drives the simulator at each rate and measures, per configuration and rate: sustained records/s, kept up,",
            "latency from device time to durable state (p50/p99/p99.9), DynamoDB write units per accepted record by",
            "item size (from the consumer's vigil.dynamodb.write.units meter; n/a without it), bytes per device-state",
            "item, consumer CPU per 1,000 records, heap. Each figure says its state: window fill, devices, seconds.",
            "Each configuration gets its own fresh stack; its KCL start-up (20-40 s) is not measured.",
            "Writes the 'End-to-end' section of DOCS/benchmarks.md and DOCS/bench/*.svg.",
            "",
            "Options:",
            "  --devices N           simulated devices (default 100, half pumps, half dialysis machines)",
            "  --rates R1,R2,...     offered rates in records/s over all devices (default 100,500: 1 and 5 records/s",
            "                        per device); priming runs at the first",
            "  --prime SECONDS       backlog of device time sent before measuring (default 660: the 10-minute window",
            "                        plus a minute)",
            "  --prime-timeout SECONDS  longest priming per configuration (default 240); after a timeout the figures",
            "                        say the window fill reached (the comparison, one write per record, reads the",
            "                        backlog at a few hundred records/s here and may not fill its windows in time)",
            "  --warmup SECONDS      per rate, before measuring (default 10)",
            "  --measure SECONDS     per rate, measured (default 60)",
            "  --shards N            Kinesis shards (default 4)",
            "  --configs A,B         ours, comparison, kcl-defaults, fast (default ours,comparison):",
            "                          ours        poll 200 ms, 1000 records per call, state writes coalesced",
            "                                      (one per device per second, at once on alert transitions)",
            "                          comparison  KCL polling defaults (1500 ms, 10000 records per call), one state",
            "                                      write per record",
            "                          kcl-defaults  KCL polling defaults with ours' writes (separates the two effects)",
            "                          fast        as ours with a 50 ms poll (custom sleep controller; emulator only)",
            "  --docs DIR            output folder (default docs)",
            "  --fleet               the fleet benchmark instead: background reads and takeover at 1,000, 10,000",
            "                        and 100,000 devices (./vigil bench --fleet --help lists its options)",
            "  --store               the consumer's state writes against DynamoDB Local alone, at several rates:",
            "                        the local store's ceiling (./vigil bench --store --help lists its options)",
            "  --help                this text",
            "",
            "With the defaults the whole run takes about 10-14 minutes on a 2-core machine (each configuration:",
            "KCL start-up, priming 66,000 records or 240 s at most, 2 x 70 s of rates); fewer devices or rates make",
            "it shorter. Larger fleets, e.g. ours alone: --configs ours --devices 1000 --rates 1000,5000.");

    static BenchOptions parse(String[] args) {
        // Defaults sized so that the whole run (two configurations) stays under 15 minutes on a 2-core machine: the
        // backlog is devices x 660 records, and the comparison (one write per record) reads it at 400-570 records/s
        // here while the devices keep sending (200 devices: the comparison's priming alone would take about 6
        // minutes). 1 and 5 records/s per device are the rates of the goals.
        List<Integer> rates = List.of(100, 500);
        int devices = 100;
        int prime = 660;
        int primeTimeout = 240;
        int warmup = 10;
        int measure = 60;
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
                case "--prime-timeout" -> primeTimeout = positive(a, v);
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
        return new BenchOptions(rates, devices, prime, primeTimeout, warmup, measure, shards, configs, docs);
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

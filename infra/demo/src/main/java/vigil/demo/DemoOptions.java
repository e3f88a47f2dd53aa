package vigil.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of {@code ./vigil demo}. Parsed strictly: an unknown option or a bad value is an error naming it.
 *
 * @param pumps         simulated infusion pumps
 * @param dialysis      simulated dialysis machines
 * @param rate          total simulated records per second
 * @param simulate      false with {@code --no-sim}: stack only, another producer writes to the stream
 * @param shards        shards of the telemetry stream
 * @param apiPort       dashboard API port
 * @param kinesisPort   kinesalite port
 * @param dynamoDbPort  DynamoDB Local port
 * @param seed          simulator seed
 * @param aggregate     the simulator packs records per shard into KPL-aggregated Kinesis records
 */
record DemoOptions(
        int pumps,
        int dialysis,
        double rate,
        boolean simulate,
        int shards,
        int apiPort,
        int kinesisPort,
        int dynamoDbPort,
        long seed,
        boolean aggregate) {

    static final String USAGE = String.join("\n",
            "Usage: ./vigil demo [options]",
            "",
            "Runs the whole system locally: Kinesis (kinesalite) and DynamoDB Local emulators, the KCL consumer,",
            "the dashboard API and the device simulator. Prints the dashboard URL, the endpoints and tokens.",
            "Ctrl-C stops everything; no emulator process is left behind.",
            "",
            "Options:",
            "  --pumps N           simulated infusion pumps (default 8)",
            "  --dialysis N        simulated dialysis machines (default 4)",
            "  --rate R            total records per second over all devices (default 12: one per device per second)",
            "  --no-sim            start the stack only; another producer can write to the stream",
            "  --aggregate         the simulator sends KPL-aggregated Kinesis records, one aggregate per shard",
            "                      (KCL de-aggregates them; default: one Kinesis record per telemetry record)",
            "  --shards N          shards of the telemetry stream (default 4)",
            "  --api-port P        dashboard API port (default 8080; 0 picks a free one)",
            "  --kinesis-port P    kinesalite port (default 4567; 0 picks a free one)",
            "  --dynamodb-port P   DynamoDB Local port (default 8000; 0 picks a free one)",
            "  --seed S            simulator seed (default 1)",
            "  --help              this text");

    static DemoOptions defaults() {
        return new DemoOptions(8, 4, 12, true, 4, 8080, 4567, 8000, 1, false);
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} with every problem found. */
    static DemoOptions parse(String[] args) {
        DemoOptions o = defaults();
        int pumps = o.pumps;
        int dialysis = o.dialysis;
        double rate = o.rate;
        boolean simulate = o.simulate;
        int shards = o.shards;
        int apiPort = o.apiPort;
        int kinesisPort = o.kinesisPort;
        int dynamoDbPort = o.dynamoDbPort;
        long seed = o.seed;
        boolean aggregate = o.aggregate;
        boolean rateGiven = false;
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--no-sim")) {
                simulate = false;
                continue;
            }
            if (arg.equals("--aggregate")) {
                aggregate = true;
                continue;
            }
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                errors.add("unknown or incomplete option '" + arg + "'");
                continue;
            }
            String value = args[++i];
            try {
                switch (arg) {
                    case "--pumps" -> pumps = range(arg, Integer.parseInt(value), 0, 10_000);
                    case "--dialysis" -> dialysis = range(arg, Integer.parseInt(value), 0, 10_000);
                    case "--rate" -> {
                        rate = Double.parseDouble(value);
                        rateGiven = true;
                        if (!(rate > 0 && rate <= 20_000)) {
                            throw new IllegalArgumentException(arg + " must be > 0 and <= 20000");
                        }
                    }
                    case "--shards" -> shards = range(arg, Integer.parseInt(value), 1, 64);
                    case "--api-port" -> apiPort = range(arg, Integer.parseInt(value), 0, 65535);
                    case "--kinesis-port" -> kinesisPort = range(arg, Integer.parseInt(value), 0, 65535);
                    case "--dynamodb-port" -> dynamoDbPort = range(arg, Integer.parseInt(value), 0, 65535);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> errors.add("unknown option '" + arg + "'");
                }
            } catch (NumberFormatException e) {
                errors.add(arg + " needs a number, got '" + value + "'");
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        if (simulate && pumps + dialysis == 0) {
            errors.add("--pumps and --dialysis are both 0: nothing to simulate (use --no-sim for the stack only)");
        }
        if (!simulate && aggregate) {
            errors.add("--aggregate is an option of the simulator, which --no-sim turns off");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        if (!rateGiven) {
            rate = Math.max(1, pumps + dialysis); // one record per device per second
        }
        return new DemoOptions(pumps, dialysis, rate, simulate, shards, apiPort, kinesisPort, dynamoDbPort, seed,
                aggregate);
    }

    private static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}

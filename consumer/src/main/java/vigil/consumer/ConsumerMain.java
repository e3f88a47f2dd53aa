package vigil.consumer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import vigil.consumer.metrics.JvmMeters;

/** Runs one consumer worker until SIGTERM or Ctrl-C. Configuration: environment variables (see {@code --help}). */
public final class ConsumerMain {
    private ConsumerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0) {
            boolean help = args[0].equals("--help") || args[0].equals("-h");
            System.out.println("Usage: consumer [--help]\nRuns a Vigil KCL worker.\n\n" + ConsumerConfig.help() + "\n"
                    + ConsumerOptions.help());
            System.exit(help ? 0 : 2);
        }
        ConsumerConfig config;
        ConsumerOptions options;
        try {
            config = ConsumerConfig.fromEnv(System.getenv());
            options = ConsumerOptions.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("consumer: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters.bindTo(registry);
        VigilConsumer consumer = VigilConsumer.start(
                config, options, DefaultCredentialsProvider.builder().build(), registry, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consumer.close();
            stopped.countDown();
        }, "consumer-shutdown"));
        stopped.await();
    }
}

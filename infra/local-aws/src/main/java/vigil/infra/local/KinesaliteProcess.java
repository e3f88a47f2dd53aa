package vigil.infra.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kinesalite (in-memory Kinesis emulator) run with the machine's Node as a child process.
 *
 * <p>No orphans: the child's stdin is a pipe this JVM keeps open; {@code run-kinesalite.js} exits when it closes,
 * which the OS does when this JVM exits or dies for any reason (including SIGKILL); {@link #close()} stops it
 * earlier. There is deliberately no JVM shutdown hook: hooks run concurrently, and one here would kill the
 * emulator while the application's own hook still shuts the consumer down gracefully against it.
 */
final class KinesaliteProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KinesaliteProcess.class);
    private static final String READY_PREFIX = "kinesalite listening on ";
    static final String HOME_PROPERTY = "vigil.kinesalite.home";
    static final String HOME_ENV = "VIGIL_KINESALITE_HOME";
    private static final String RELATIVE_HOME = "infra/local-aws/node";

    private final Process process;
    private final int port;

    private KinesaliteProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static KinesaliteProcess start(Path configuredHome, int requestedPort, Duration timeout) {
        Path home = configuredHome != null ? configuredHome : findHome();
        Path script = home.resolve("run-kinesalite.js");
        if (!Files.isRegularFile(home.resolve("node_modules/kinesalite/package.json"))) {
            throw new LocalAwsException("kinesalite is not installed in " + home
                    + ": run 'npm ci' there (the Maven build does this when node_modules is missing)");
        }
        String node = System.getenv().getOrDefault("VIGIL_NODE", "node");
        List<String> command = new ArrayList<>(List.of(node, script.toString(), "--port", Integer.toString(requestedPort)));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new LocalAwsException("cannot start Node ('" + node + "'); is Node 18+ installed?", e);
        }
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> drain(process, ready), "kinesalite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            int port = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("kinesalite ready on 127.0.0.1:{} (pid {})", port, process.pid());
            return new KinesaliteProcess(process, port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process);
            throw new LocalAwsException("interrupted while waiting for kinesalite", e);
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            throw new LocalAwsException("kinesalite did not become ready within " + timeout, e);
        }
    }

    /** Reads the child's output: the ready line completes {@code ready}; everything else goes to the log. */
    private static void drain(Process process, CompletableFuture<Integer> ready) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(READY_PREFIX)) {
                    ready.complete(Integer.parseInt(line.substring(READY_PREFIX.length()).trim()));
                } else {
                    LOG.debug("kinesalite: {}", line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IllegalStateException("kinesalite exited with " + exitCode(process)));
    }

    private static String exitCode(Process process) {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Finds the kinesalite folder: the system property or environment variable when set, else
     * {@value #RELATIVE_HOME} in the working directory or one of its parents (tests run in module folders).
     */
    static Path findHome() {
        String configured = System.getProperty(HOME_PROPERTY, System.getenv(HOME_ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_HOME);
            if (Files.isRegularFile(candidate.resolve("run-kinesalite.js"))) {
                return candidate;
            }
        }
        throw new LocalAwsException("cannot find " + RELATIVE_HOME + " from " + Path.of("").toAbsolutePath()
                + "; set -D" + HOME_PROPERTY + " or " + HOME_ENV);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

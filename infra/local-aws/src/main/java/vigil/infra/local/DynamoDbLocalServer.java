package vigil.infra.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;

/** DynamoDB Local, in memory, running inside this JVM on a loopback port. Dies with the JVM: no orphans. */
final class DynamoDbLocalServer implements AutoCloseable {
    private static final int BIND_ATTEMPTS = 5;

    private final DynamoDBProxyServer server;
    private final int port;

    private DynamoDbLocalServer(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts on {@code requestedPort}, or on a free port when it is 0 (retrying if the port is taken meanwhile). */
    static DynamoDbLocalServer start(int requestedPort) {
        Exception last = null;
        for (int attempt = 0; attempt < (requestedPort == 0 ? BIND_ATTEMPTS : 1); attempt++) {
            int port = requestedPort == 0 ? freePort() : requestedPort;
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                return new DynamoDbLocalServer(server, port);
            } catch (Exception e) { // the runner declares Exception
                last = e;
            }
        }
        throw new LocalAwsException("DynamoDB Local did not start on port " + requestedPort, last);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalAwsException("no free local port", e);
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) { // the server declares Exception
            throw new LocalAwsException("DynamoDB Local did not stop cleanly", e);
        }
    }
}

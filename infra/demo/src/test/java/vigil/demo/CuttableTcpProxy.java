package vigil.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import vigil.demo.bench.SocketPipe;

/**
 * A TCP forwarder on loopback that a test can cut: while cut, every open connection is closed and new ones are
 * closed on accept, as if the service behind it were unreachable. Plain sockets, two threads per connection.
 *
 * <p><b>Threading contract.</b> {@link #cut} and {@link #restore} may be called from any thread.
 */
final class CuttableTcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    CuttableTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void cut() {
        cut = true;
        for (Socket s : open) {
            SocketPipe.closeQuietly(s);
        }
    }

    void restore() {
        cut = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (cut) {
                    SocketPipe.closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        SocketPipe.daemon("tcp-proxy-pump", () -> {
            SocketPipe.copy(from, to, n -> { });
            open.remove(from);
            open.remove(to);
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cut();
    }
}

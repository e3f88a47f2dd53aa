package vigil.demo.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.function.IntConsumer;

/** Byte pumps for the loopback proxies of the benchmarks and tests: one direction of a connection per call. */
public final class SocketPipe {
    private SocketPipe() {}

    /**
     * Copies {@code from} to {@code to} until either side closes, telling {@code onBytes} each chunk's size; then
     * closes both. Blocks: run it on its own thread ({@link #daemon}).
     */
    public static void copy(Socket from, Socket to, IntConsumer onBytes) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                onBytes.accept(n);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection cut or closed by either side: close both ends below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Starts {@code r} on a daemon thread. */
    public static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    public static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}

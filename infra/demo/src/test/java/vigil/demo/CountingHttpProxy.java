package vigil.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback forwarder in front of DynamoDB Local that counts requests by operation and table: it reads each HTTP/1.1
 * request's headers ({@code X-Amz-Target: DynamoDB_20120810.<Operation>}, {@code Content-Length}) and the
 * {@code "TableName"} of its JSON body, and forwards every byte unchanged. Responses are piped as they are. Plain
 * sockets, two threads per connection; for measurements on the local stack only.
 *
 * <p><b>Threading contract.</b> {@link #counts()} may be called from any thread while requests flow.
 */
final class CountingHttpProxy implements AutoCloseable {
    private static final Pattern TABLE = Pattern.compile("\"TableName\"\\s*:\\s*\"([^\"]+)\"");
    private final ServerSocket server;
    private final int targetPort;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>(); // "Operation table" -> requests
    private volatile boolean closed;

    CountingHttpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "counting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests so far, by "Operation table" (e.g. {@code UpdateItem vigil-consumer}), sorted. */
    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                start(() -> requests(client, upstream));
                start(() -> pipe(upstream, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Client to server: one request at a time, counted, forwarded byte for byte. */
    private void requests(Socket from, Socket to) {
        try (InputStream in = new BufferedInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream()) {
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                out.write(head);
                String headers = new String(head, StandardCharsets.ISO_8859_1);
                String operation = header(headers, "x-amz-target");
                String length = header(headers, "content-length");
                byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length.trim()));
                out.write(body);
                out.flush();
                Matcher m = TABLE.matcher(new String(body, StandardCharsets.UTF_8));
                String op = operation == null ? "?" : operation.substring(operation.indexOf('.') + 1).trim();
                counts.computeIfAbsent(op + " " + (m.find() ? m.group(1) : "-"), k -> new LongAdder()).increment();
            }
        } catch (IOException | RuntimeException e) {
            // closed by either side
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The header block up to and including the blank line, or null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int last4 = 0; // the last four bytes read, oldest in the high byte
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0D0A0D0A) { // "\r\n\r\n"
                return head.toByteArray();
            }
        }
        return null;
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed by either side
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}

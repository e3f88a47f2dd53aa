package vigil.demo.bench;

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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback forwarder in front of DynamoDB Local that counts requests and response bytes by operation and table: it
 * reads each HTTP/1.1 request's headers ({@code X-Amz-Target: DynamoDB_20120810.<Operation>}, or
 * {@code DynamoDBStreams_20120810.<Operation>}, {@code Content-Length}) and the {@code "TableName"} (or the table in
 * the {@code "StreamArn"}) of its JSON body, and forwards every byte unchanged. Response bytes are counted for the
 * connection's last request (SDK clients do not pipeline: a response follows its request). Plain sockets, two threads
 * per connection; for measurements on the local stack only (the lease-table test, the fleet benchmark).
 *
 * <p><b>Threading contract.</b> {@link #counts()} may be called from any thread while requests flow.
 */
public final class CountingHttpProxy implements AutoCloseable {
    private static final Pattern TABLE = Pattern.compile("\"TableName\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STREAM_TABLE = Pattern.compile("\"StreamArn\"\\s*:\\s*\"[^\"]*:table/([^/\"]+)/");
    private final ServerSocket server;
    private final int targetPort;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>(); // "Operation table" -> requests
    private final Map<String, LongAdder> responseBytes = new ConcurrentHashMap<>(); // "Operation table" -> bytes
    private volatile boolean closed;

    public CountingHttpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "counting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests so far, by "Operation table" (e.g. {@code UpdateItem vigil-consumer}), sorted. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Response bytes so far (headers included), by "Operation table", sorted. */
    public Map<String, Long> responseBytes() {
        Map<String, Long> out = new TreeMap<>();
        responseBytes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                AtomicReference<String> lastRequest = new AtomicReference<>("?");
                SocketPipe.daemon("counting-proxy-pump", () -> requests(client, upstream, lastRequest));
                SocketPipe.daemon("counting-proxy-pump", () -> responses(upstream, client, lastRequest));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Client to server: one request at a time, counted, forwarded byte for byte. */
    private void requests(Socket from, Socket to, AtomicReference<String> lastRequest) {
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
                String text = new String(body, StandardCharsets.UTF_8);
                Matcher m = TABLE.matcher(text);
                String table = m.find() ? m.group(1) : null;
                if (table == null) {
                    Matcher s = STREAM_TABLE.matcher(text);
                    table = s.find() ? s.group(1) : "-";
                }
                String op = operation == null ? "?" : operation.substring(operation.indexOf('.') + 1).trim();
                String key = op + " " + table;
                lastRequest.set(key); // before the request leaves: its response is counted under it
                counts.computeIfAbsent(key, k -> new LongAdder()).increment();
                out.write(body);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // closed by either side
        } finally {
            SocketPipe.closeQuietly(from);
            SocketPipe.closeQuietly(to);
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

    private void responses(Socket from, Socket to, AtomicReference<String> lastRequest) {
        SocketPipe.copy(from, to, n -> responseBytes.computeIfAbsent(lastRequest.get(), k -> new LongAdder()).add(n));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}

package vigil.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vigil.dashboard.auth.TokenSpec;

/** Errors outside the handlers still answer application/problem+json, never a stack trace. */
class ProblemResponsesTest {
    private static TestApi api;

    @BeforeAll
    static void start() {
        api = TestApi.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void shouldAnswerUnknownPathsWith404Problem() {
        TestApi.Reply reply = api.get("/api/v1/nothing-here", api.token(TokenSpec.deviceAdmin("biomed-p")));

        assertThat(reply.status).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void shouldAnswerUnsupportedMethodsLikeUnknownPathsWith404Problem() {
        TestApi.Reply reply = api.send(HttpRequest.newBuilder(api.uri("/api/v1/devices"))
                .header("Authorization", "Bearer " + api.token(TokenSpec.deviceAdmin("biomed-delete")))
                .DELETE()
                .build());

        assertThat(reply.status).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("application/problem+json");
    }

    @Test
    void shouldRefuseOversizeBodiesWith413Problem() {
        // Refused before the body was read, the answer used to race the connection's reset (about 1 in 16 lost).
        for (int attempt = 0; attempt < 25; attempt++) {
            TestApi.Reply reply = postBody((int) DashboardServer.MAX_REQUEST_BYTES + 1);

            assertThat(reply.status).as("attempt %d", attempt).isEqualTo(413);
            assertThat(reply.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void shouldAnswer413ToTheLargestBodyItDrains() {
        TestApi.Reply reply = postBody((int) DashboardServer.MAX_DRAINED_BYTES);

        assertThat(reply.status).isEqualTo(413);
        assertThat(reply.json().get("status").asInt()).isEqualTo(413);
    }

    @Test
    void shouldAnswer413BeforeTheBodyToAClientThatExpects100Continue() throws Exception {
        // A raw connection: the JDK 17 HTTP client waits forever when the answer to Expect is not 100.
        try (Socket socket = new Socket("127.0.0.1", api.uri("/").getPort())) {
            BufferedReader in = sendOversizeHead(socket, "Expect: 100-continue\r\n", 0);

            // No body sent: the refusal comes instead of the go-ahead.
            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void shouldAnswer413AndCloseWhenAnOversizeBodyStopsComing() throws Exception {
        // Declares 1 MiB, sends 100 bytes, then nothing: the drain gives up after its budget (2 s), not after
        // Jetty's idle timeout (30 s), which would outlast this socket's 20-s read timeout.
        try (Socket socket = new Socket("127.0.0.1", api.uri("/").getPort())) {
            BufferedReader in = sendOversizeHead(socket, "", 100);

            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
            List<String> headers = new ArrayList<>();
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                headers.add(line.toLowerCase(Locale.ROOT));
            }
            assertThat(headers).contains("connection: close");
        }
    }

    /** Sends a POST declaring a 1-MiB body, then {@code bodyBytes} of it; returns the answer's reader. */
    private static BufferedReader sendOversizeHead(Socket socket, String extraHeaders, int bodyBytes)
            throws IOException {
        socket.setSoTimeout(20_000);
        String head = "POST /api/v1/devices HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer " + api.token(TokenSpec.deviceAdmin("biomed-big")) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + DashboardServer.MAX_DRAINED_BYTES + "\r\n"
                + extraHeaders + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[bodyBytes]);
        socket.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static TestApi.Reply postBody(int bytes) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/devices"))
                .header("Authorization", "Bearer " + api.token(TokenSpec.deviceAdmin("biomed-big")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes]))
                .build());
    }
}

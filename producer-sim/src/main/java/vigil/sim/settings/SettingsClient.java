package vigil.sim.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import vigil.sim.device.DeviceCalibration;

/**
 * Reads one device's settings document ({@code GET /api/v1/devices/{id}/settings}, api-v1.md) as an edge collector
 * does: with the collector's bearer token and the ETag of the version it already has in {@code If-None-Match}, so
 * that an unchanged document costs a 304 without a body.
 *
 * <p>Never logs or returns the token or the body; errors carry the status only.
 *
 * <p><b>Threading contract.</b> Stateless apart from the thread-safe {@link HttpClient}; any thread.
 */
public final class SettingsClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one poll found. */
    public sealed interface Poll {
        /** A new document: its ETag and the calibration it asks for. */
        record Changed(String etag, DeviceCalibration calibration) implements Poll {}

        /** 304: the version the device has is current. */
        record Unchanged() implements Poll {}

        /** 404: no document for the device (or the device is outside the collector's {@code deviceIds}). */
        record Missing() implements Poll {}

        /** Anything else: the status (0 for an I/O error) and a short reason, never the body. */
        record Failed(int status, String reason) implements Poll {}
    }

    private final HttpClient http;
    private final URI apiBase;
    private final String bearerToken;
    private final Duration requestTimeout;

    /**
     * @param apiBase     the dashboard API, e.g. {@code http://127.0.0.1:8080}
     * @param bearerToken a collector token whose {@code deviceIds} claim covers the polled devices
     */
    public SettingsClient(URI apiBase, String bearerToken, Duration requestTimeout) {
        this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
        this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /**
     * Polls one device's settings.
     *
     * @param etag the ETag of the document the device applied, or {@code null} for none yet
     */
    public Poll poll(String deviceId, String etag) throws InterruptedException {
        String base = apiBase.toString().replaceAll("/+$", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/devices/"
                        + URLEncoder.encode(deviceId, StandardCharsets.UTF_8) + "/settings"))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + bearerToken)
                .header("Accept", "application/json")
                .GET();
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Poll.Failed(0, e.getClass().getSimpleName());
        }
        return switch (response.statusCode()) {
            case 200 -> parse(response);
            case 304 -> new Poll.Unchanged();
            case 404 -> new Poll.Missing();
            default -> new Poll.Failed(response.statusCode(), "HTTP " + response.statusCode());
        };
    }

    private static Poll parse(HttpResponse<byte[]> response) {
        JsonNode doc;
        try {
            doc = JSON.readTree(response.body());
        } catch (IOException e) {
            return new Poll.Failed(200, "settings document is not JSON");
        }
        JsonNode version = doc.get("version");
        if (version == null || !version.canConvertToExactIntegral() || version.asLong() < 0) {
            return new Poll.Failed(200, "settings document has no version");
        }
        JsonNode calibration = doc.path("calibration");
        try {
            DeviceCalibration applied = new DeviceCalibration(
                    version.asLong(),
                    calibration.path("flowCorrectionFactor").asDouble(1.0), // api-v1 defaults
                    calibration.path("conductivityOffsetMsCm").asDouble(0.0),
                    calibration.path("temperatureOffsetC").asDouble(0.0),
                    calibration.path("pressureOffsetMmHg").asDouble(0.0)); // v1.1
            String etag = response.headers().firstValue("ETag").orElse("\"" + version.asLong() + "\"");
            return new Poll.Changed(etag, applied);
        } catch (IllegalArgumentException e) { // out of the documented ranges: do not apply
            return new Poll.Failed(200, "calibration out of range: " + e.getMessage());
        }
    }
}

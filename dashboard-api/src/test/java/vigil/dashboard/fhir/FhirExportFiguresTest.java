package vigil.dashboard.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import vigil.dashboard.TestApi;
import vigil.dashboard.auth.TokenSpec;

/**
 * Figure for docs/fhir.md (opt-in, {@code -Dvigil.figures=true}): size and time of a bulk export of one simulated
 * hour of 1,000 devices (500 pumps, 500 dialysis machines, 10 care units, a history point per device-minute with
 * every figure of its type) on DynamoDB Local, kicked off, polled and downloaded over HTTP as a device admin.
 */
@EnabledIfSystemProperty(named = "vigil.figures", matches = "true")
class FhirExportFiguresTest {
    private static final int DEVICES = 1000;
    private static final int MINUTES = 60;
    private static final long SEED = 1000L;

    @Test
    void shouldPrintSizeAndTimeOfAnHourOfAThousandDevices() throws Exception {
        try (TestApi api = TestApi.start()) {
            FhirSeed seed = new FhirSeed(api.dynamo(), api.aws.tablePrefix());
            Random random = new Random(SEED);
            Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            Instant start = end.minus(Duration.ofMinutes(MINUTES));
            long seedStart = System.nanoTime();
            for (int i = 0; i < DEVICES; i++) {
                String type = i % 2 == 0 ? "infusion_pump" : "dialysis";
                String id = (i % 2 == 0 ? "PUMP-" : "DIAL-") + String.format("%04d", i);
                seed.device(id, type, "UNIT-" + (i % 10), end.minusSeconds(3));
                seed.history(id, type, start, MINUTES, random);
            }
            System.out.printf("seeded %d devices x %d minutes in %d s%n", DEVICES, MINUTES,
                    (System.nanoTime() - seedStart) / 1_000_000_000);
            String admin = api.token(TokenSpec.deviceAdmin("bench"));
            long kickNanos = System.nanoTime();
            TestApi.Reply kick = api.request("GET", "/fhir/r4/$export?_since=" + start + "&_until=" + end, admin,
                    null, "Prefer", "respond-async");
            assertThat(kick.status).isEqualTo(202);
            String status = kick.header("Content-Location");
            String statusPath = status.substring(status.indexOf("/fhir/r4"));
            JsonNode manifest = null;
            while (manifest == null) {
                TestApi.Reply r = api.get(statusPath, admin);
                if (r.status == 200) {
                    manifest = r.json();
                } else {
                    assertThat(r.status).isEqualTo(202);
                    Thread.sleep(200);
                }
            }
            long exportMillis = (System.nanoTime() - kickNanos) / 1_000_000;
            long downloadNanos = System.nanoTime();
            long totalBytes = 0;
            long totalResources = 0;
            StringBuilder table = new StringBuilder();
            for (JsonNode out : manifest.get("output")) {
                String url = out.get("url").asText();
                TestApi.Reply file = api.get(url.substring(url.indexOf("/fhir/r4")), admin);
                assertThat(file.status).isEqualTo(200);
                long bytes = file.body.getBytes(StandardCharsets.UTF_8).length;
                long lines = file.body.lines().count();
                assertThat(lines).isEqualTo(out.get("count").asLong());
                totalBytes += bytes;
                totalResources += lines;
                table.append(String.format("| %s | %,d | %,.1f MB | %d B |%n", out.get("type").asText(), lines,
                        bytes / 1e6, bytes / Math.max(1, lines)));
            }
            long downloadMillis = (System.nanoTime() - downloadNanos) / 1_000_000;
            System.out.printf("FHIR export of %d devices x %d minutes: %,d resources, %,.1f MB NDJSON;"
                            + " kick-off to manifest %,d ms; download %,d ms (seed %d)%n%s", DEVICES, MINUTES,
                    totalResources, totalBytes / 1e6, exportMillis, downloadMillis, SEED, table);
        }
    }
}

package vigil.dashboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMainTest {
    private static final String SECRET = "cli-secret-0123456789-abcdefghijklmn";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return TokenMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintOnlyATokenThatTheServiceAccepts() {
        int status = run(Map.of("VIGIL_JWT_SECRET", SECRET),
                "--role", "caregiver", "--care-unit", "ICU-4A", "--care-unit", "ICU-4B", "--sub", "nurse-1", "--ttl", "8h");

        assertThat(status).isZero();
        String token = stdout().strip();
        assertThat(stdout().lines()).hasSize(1);
        Principal principal = new TokenVerifier(SECRET.getBytes(StandardCharsets.UTF_8)).verify(token);
        assertThat(principal.subject()).isEqualTo("nurse-1");
        assertThat(principal.roles()).containsExactly(Role.CAREGIVER);
        assertThat(principal.careUnits()).containsExactlyInAnyOrder("ICU-4A", "ICU-4B");
    }

    @Test
    void shouldReadTheSecretFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");

        int status = run(Map.of(), "--role", "collector", "--device-id", "*", "--sub", "edge-1", "--secret-file",
                file.toString());

        assertThat(status).isZero();
        Principal principal = new TokenVerifier(SECRET.getBytes(StandardCharsets.UTF_8)).verify(stdout().strip());
        assertThat(principal.deviceIds()).containsExactly("*");
    }

    @Test
    void shouldExplainEveryOptionInHelp() {
        assertThat(run(Map.of(), "--help")).isZero();

        assertThat(stdout()).contains("--role", "--care-unit", "--device-id", "--sub", "--ttl", "--secret-file");
    }

    @Test
    void shouldRefuseUnknownRolesMissingSecretAndCaregiversWithoutCareUnit() {
        assertThat(run(Map.of("VIGIL_JWT_SECRET", SECRET), "--role", "janitor", "--sub", "x")).isEqualTo(2);
        assertThat(run(Map.of(), "--role", "auditor", "--sub", "x")).isEqualTo(2);
        assertThat(run(Map.of("VIGIL_JWT_SECRET", SECRET), "--role", "caregiver", "--sub", "x")).isEqualTo(2);
        assertThat(stdout()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown role 'janitor'", "VIGIL_JWT_SECRET",
                "--care-unit");
    }

    @Test
    void shouldParseShortAndIsoDurations() {
        assertThat(TokenMain.parseTtl("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TokenMain.parseTtl("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(TokenMain.parseTtl("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(TokenMain.parseTtl("PT8H")).isEqualTo(Duration.ofHours(8));
    }
}

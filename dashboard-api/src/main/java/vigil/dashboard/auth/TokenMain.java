package vigil.dashboard.auth;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Command line tool that mints a local HS256 token and prints only the token, so that it can be captured with
 * {@code TOKEN=$(...)}. For local runs, the demo and tests; production tokens come from the OIDC issuer.
 */
public final class TokenMain {
    /** Longest lifetime the tool mints: local tokens should not outlive a working week. */
    static final Duration MAX_TTL = Duration.ofDays(7);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})([smhd])");

    private TokenMain() {}

    public static void main(String[] args) {
        int status = run(args, System.getenv(), System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the tool; returns the exit status (0 minted or help, 2 usage error). */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> roles = new ArrayList<>();
        List<String> careUnits = new ArrayList<>();
        List<String> deviceIds = new ArrayList<>();
        String sub = null;
        Duration ttl = TokenSpec.DEFAULT_TTL;
        Path secretFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--help", "-h" -> {
                        usage(out);
                        return 0;
                    }
                    case "--role" -> roles.add(value(args, ++i, arg));
                    case "--care-unit" -> careUnits.add(value(args, ++i, arg));
                    case "--device-id" -> deviceIds.add(value(args, ++i, arg));
                    case "--sub" -> sub = value(args, ++i, arg);
                    case "--ttl" -> ttl = parseTtl(value(args, ++i, arg));
                    case "--secret-file" -> secretFile = Path.of(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (sub == null || sub.isBlank()) {
                throw new IllegalArgumentException("--sub is required");
            }
            if (roles.isEmpty()) {
                throw new IllegalArgumentException("at least one --role is required");
            }
            for (String role : roles) {
                if (Role.fromClaim(role).isEmpty()) {
                    throw new IllegalArgumentException("unknown role '" + role + "'; known: " + knownRoles());
                }
            }
            if (roles.contains(Role.CAREGIVER.claimName()) && careUnits.isEmpty()) {
                throw new IllegalArgumentException("--role caregiver needs at least one --care-unit");
            }
            if (roles.contains(Role.COLLECTOR.claimName()) && deviceIds.isEmpty()) {
                throw new IllegalArgumentException("--role collector needs at least one --device-id (or '*')");
            }
            String secret = readSecret(secretFile, env);
            TokenMinter minter = TokenMinter.forSecret(secret);
            out.println(minter.mint(new TokenSpec(sub, roles, careUnits, deviceIds, ttl)));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("run with --help for usage");
            return 2;
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /** {@code 30s}, {@code 15m}, {@code 8h}, {@code 2d} or an ISO-8601 duration such as {@code PT8H}. */
    static Duration parseTtl(String text) {
        Duration ttl;
        Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            ttl = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                ttl = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--ttl must look like 30s, 15m, 8h, 2d or PT8H");
            }
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be positive and at most " + MAX_TTL.toDays() + "d");
        }
        return ttl;
    }

    private static String readSecret(Path secretFile, Map<String, String> env) {
        String secret;
        if (secretFile != null) {
            try {
                // A trailing newline from `echo` or an editor is not part of the secret.
                secret = Files.readString(secretFile, StandardCharsets.UTF_8).stripTrailing();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --secret-file: " + e.getClass().getSimpleName());
            }
        } else {
            secret = env.get("VIGIL_JWT_SECRET");
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("set VIGIL_JWT_SECRET (the service's secret) or pass --secret-file");
            }
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("the secret must be at least 32 bytes");
        }
        return secret;
    }

    private static String knownRoles() {
        return Arrays.stream(Role.values()).map(Role::claimName).collect(Collectors.joining(", "));
    }

    private static void usage(PrintStream out) {
        out.println("usage: TokenMain --sub ID --role ROLE [--role ROLE ...] [--care-unit UNIT ...]");
        out.println("                 [--device-id ID|* ...] [--ttl 8h] [--secret-file PATH]");
        out.println("Mints a local HS256 bearer token for the dashboard API and prints only the token.");
        out.println();
        out.println("  --sub ID          the token subject (user or collector id); written to the audit log");
        out.println("  --role ROLE       one of: " + knownRoles() + "; repeat for several roles");
        out.println("  --care-unit UNIT  a care unit a caregiver may see, e.g. ICU-4A; repeat for several;");
        out.println("                    required with --role caregiver");
        out.println("  --device-id ID    a device a collector may read settings of, or * for all; repeat;");
        out.println("                    required with --role collector");
        out.println("  --ttl DURATION    lifetime: 30s, 15m, 8h, 2d or ISO-8601 (PT8H); default 8h, at most 7d");
        out.println("  --secret-file P   read the HS256 secret from this file (trailing whitespace ignored)");
        out.println("                    instead of the VIGIL_JWT_SECRET environment variable");
        out.println("  --help            this text");
        out.println("The secret must be the one the service runs with (VIGIL_JWT_SECRET), at least 32 bytes.");
    }
}

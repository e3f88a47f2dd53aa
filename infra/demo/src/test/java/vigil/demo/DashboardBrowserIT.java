package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import vigil.consumer.ConsumerConfig;
import vigil.consumer.VigilConsumer;
import vigil.dashboard.DashboardConfig;
import vigil.dashboard.DashboardServer;
import vigil.dashboard.auth.TokenMinter;
import vigil.dashboard.auth.TokenSpec;
import vigil.infra.local.LocalAws;
import vigil.infra.local.LocalAwsConfig;
import vigil.sim.SimConfig;
import vigil.sim.Simulation;
import vigil.sim.publish.KinesisPublisher;
import vigil.sim.publish.PublisherConfig;
import vigil.sim.publish.RecordSink;
import vigil.sim.publish.SinkStats;

/**
 * The caregivers' page in headless Chromium on the real stack (kinesalite, DynamoDB Local, the KCL consumer with the
 * alert engine, the dashboard API, the device simulator): sign in with a token, watch a pump's tile turn red when
 * its simulator goes silent while running (DEVICE_OFFLINE, HIGH, after 30 s), acknowledge the alert from the page
 * with a note, and see its status change; then, as an auditor, the alarm burden page counts that alert and its time
 * to acknowledge (docs/alarm-burden.md). Screenshots go to {@code target/browser/}.
 *
 * <p>Uses the system's Chromium and chromedriver (Debian packages {@code chromium}, {@code chromium-driver};
 * {@code .ci/run} installs them) through the {@code webdriver.chrome.driver} property and an explicit browser
 * binary, so Selenium never downloads a driver or a browser.
 */
class DashboardBrowserIT {
    private static final String SILENT_PUMP = "PUMP-0001"; // first device: care unit ICU-4A
    private static final Pattern RUNNING = Pattern.compile("\"state\"\\s*:\\s*\"running\"");
    private static final Path SHOTS = Path.of("target", "browser");

    @Test
    void shouldTurnATileRedOnAHighAlertAndAcknowledgeItFromThePage() throws Exception {
        Path chromium = onPath("vigil.chromium", "chromium", "chromium-browser");
        Path chromedriver = onPath("vigil.chromedriver", "chromedriver");
        Files.createDirectories(SHOTS);
        long startNanos = System.nanoTime();
        String secret = TokenMinter.generateSecret();
        try (LocalAws aws = LocalAws.start(LocalAwsConfig.defaults());
                VigilConsumer consumer = VigilConsumer.start(
                        ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(), aws.streamName(),
                                aws.tablePrefix()),
                        LocalAws.credentials(), new SimpleMeterRegistry(), Clock.systemUTC());
                DashboardServer api = DashboardServer.start(
                        new DashboardConfig("127.0.0.1", 0, aws.tablePrefix(), secret, aws.dynamoDbEndpoint(),
                                LocalAws.REGION.id()),
                        aws.dynamoDbClient());
                SilencingSink sink = new SilencingSink(
                        new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName())))) {
            assertThat(consumer).isNotNull();
            Simulation simulation = new Simulation(SimConfig.defaults()
                    .withDevices(6, 3)
                    .withRecordsPerSecond(18)
                    .withLimits(null, 0)
                    .withSeed(20261122L), sink);
            simulation.start();
            String base = "http://127.0.0.1:" + api.port();
            String nurse = TokenMinter.forSecret(secret).mint(TokenSpec.caregiver("browser-nurse",
                    SimConfig.DEFAULT_CARE_UNITS.toArray(new String[0])));

            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort()
                    .build();
            System.setProperty("webdriver.chrome.driver", chromedriver.toString());
            Path profile = Files.createTempDirectory("vigil-chromium-");
            ChromeOptions options = new ChromeOptions()
                    .setBinary(chromium.toFile())
                    .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--window-size=1280,1000",
                            "--user-data-dir=" + profile.toAbsolutePath());
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(base + "/");
                browser.findElement(By.id("token")).sendKeys(nurse);
                browser.findElement(By.id("login-submit")).click();
                WebElement tile = waitFor(Duration.ofSeconds(60), "tile of " + SILENT_PUMP,
                        () -> first(browser, By.cssSelector(".tile[data-device-id='" + SILENT_PUMP + "']"), true));
                assertThat(tile.getAttribute("data-priority")).as("no alert yet").isNotEqualTo("HIGH");
                waitFor(Duration.ofSeconds(10), "live stream", () ->
                        browser.findElement(By.id("live")).getText().equals("live") ? Boolean.TRUE : null);
                System.out.printf("[browser] page live with %s after %d s%n", SILENT_PUMP, secondsSince(startNanos));

                sink.silence(SILENT_PUMP);
                long silencedNanos = System.nanoTime();
                waitFor(Duration.ofSeconds(75), SILENT_PUMP + " tile red", () -> {
                    WebElement t = first(browser, By.cssSelector(".tile[data-device-id='" + SILENT_PUMP + "']"), true);
                    return t != null && "HIGH".equals(t.getAttribute("data-priority")) ? t : null;
                });
                System.out.printf("[browser] %s tile HIGH %d s after its simulator went silent%n", SILENT_PUMP,
                        secondsSince(silencedNanos));
                WebElement red = browser.findElement(By.cssSelector(".tile[data-device-id='" + SILENT_PUMP + "']"));
                assertThat(red.getText()).contains("DEVICE OFFLINE");
                assertThat(red.getCssValue("background-color")).isEqualTo("rgba(215, 38, 46, 1)");
                assertNoHorizontalScroll(browser);
                Path ward = screenshot(browser, "ward-high-alert.png");

                browser.findElement(By.id("nav-alerts")).click();
                WebElement row = waitFor(Duration.ofSeconds(10), "alert row", () -> first(browser,
                        By.cssSelector(".alert-row[data-alert-id^='" + SILENT_PUMP + ":DEVICE_OFFLINE:']"), true));
                assertThat(row.findElement(By.cssSelector(".status")).getText()).isEqualTo("ACTIVE");
                row.findElement(By.cssSelector("input[name='note']")).sendKeys("Checked at bedside, pump rebooted");
                row.findElement(By.cssSelector(".ack-button")).click();
                waitFor(Duration.ofSeconds(10), "status ACKNOWLEDGED", () -> {
                    WebElement r = first(browser,
                            By.cssSelector(".alert-row[data-alert-id^='" + SILENT_PUMP + ":DEVICE_OFFLINE:']"), false);
                    return r != null && r.findElement(By.cssSelector(".status")).getText().equals("ACKNOWLEDGED")
                            ? r : null;
                });
                assertNoHorizontalScroll(browser);
                Path alerts = screenshot(browser, "alerts-acknowledged.png");
                Path report = checkReportPage(browser, base, TokenMinter.forSecret(secret)
                        .mint(TokenSpec.auditor("browser-auditor")));
                System.out.printf("%n[browser] screenshots: %s, %s, %s (total %d s)%n%n", ward.toAbsolutePath(),
                        alerts.toAbsolutePath(), report.toAbsolutePath(), secondsSince(startNanos));
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "failure.png");
                throw e;
            } finally {
                browser.quit();
                simulation.stop();
            }
        }
    }

    /**
     * The alarm burden page (docs/alarm-burden.md) as an auditor: the acknowledged DEVICE_OFFLINE alert of
     * {@link #SILENT_PUMP} is counted in its care unit's row, with a time to acknowledge; the chart has a text
     * alternative; the page fits the window.
     */
    private static Path checkReportPage(WebDriver browser, String base, String auditor) throws Exception {
        browser.get(base + "/report.html");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear();");
        browser.navigate().refresh();
        browser.findElement(By.id("token")).sendKeys(auditor);
        browser.findElement(By.id("login-submit")).click();
        WebElement row = waitFor(Duration.ofSeconds(20), "report row of ICU-4A DEVICE_OFFLINE", () -> first(browser,
                By.cssSelector("#burden-table tr[data-alert-type='DEVICE_OFFLINE'][data-care-unit='ICU-4A']"), true));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(Integer.parseInt(cells.get(3).getText())).as("alerts").isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(cells.get(7).getText())).as("acknowledged").isGreaterThanOrEqualTo(1);
        assertThat(cells.get(9).getText()).as("ack median").isNotEqualTo("–");
        WebElement chart = browser.findElement(By.id("burden-svg"));
        assertThat(chart.getAttribute("role")).isEqualTo("img");
        assertThat(browser.findElement(By.id("chart-desc")).getAttribute("textContent"))
                .contains("ICU-4A · pumps · DEVICE OFFLINE");
        assertThat(browser.findElements(By.cssSelector("#burden-svg rect.bar"))).isNotEmpty();
        assertThat(browser.findElement(By.id("top-table")).getText()).contains(SILENT_PUMP);
        assertNoHorizontalScroll(browser);
        return screenshot(browser, "alarm-burden-report.png");
    }

    private static long secondsSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
    }

    private static void assertNoHorizontalScroll(WebDriver browser) {
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).longValue()).as("horizontal overflow at 1280 px").isLessThanOrEqualTo(0);
    }

    private static Path screenshot(WebDriver browser, String name) throws Exception {
        Path file = SHOTS.resolve(name);
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    private static WebElement first(WebDriver browser, By by, boolean displayedOnly) {
        for (WebElement e : browser.findElements(by)) {
            if (!displayedOnly || e.isDisplayed()) {
                return e;
            }
        }
        return null;
    }

    private static <T> T waitFor(Duration timeout, String what, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) { // stale elements while the page re-renders
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
    }

    /** The executable named by a system property, else the first of the names found on the PATH. */
    private static Path onPath(String property, String... names) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError(List.of(names) + " not found on the PATH (or -D" + property + "): install Debian's"
                + " chromium and chromium-driver packages (.ci/run does)");
    }

    /**
     * Passes every record through, except that once {@link #silence} is called for a device, that device's records
     * stop as soon as the last one delivered said it was running: its simulator "goes silent while running".
     */
    static final class SilencingSink implements RecordSink {
        private final RecordSink delegate;
        private final Map<String, AtomicBoolean> lastWasRunning = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile String silenced;

        SilencingSink(RecordSink delegate) {
            this.delegate = delegate;
        }

        void silence(String deviceId) {
            silenced = deviceId;
        }

        @Override
        public void submit(String partitionKey, byte[] data) throws InterruptedException {
            AtomicBoolean running = lastWasRunning.computeIfAbsent(partitionKey, k -> new AtomicBoolean());
            if (partitionKey.equals(silenced) && running.get()) {
                return; // dropped: the device is silent
            }
            running.set(RUNNING.matcher(new String(data, StandardCharsets.UTF_8)).find());
            delegate.submit(partitionKey, data);
        }

        @Override
        public boolean flush(Duration timeout) throws InterruptedException {
            return delegate.flush(timeout);
        }

        @Override
        public SinkStats stats() {
            return delegate.stats();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

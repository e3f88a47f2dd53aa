package vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
 * alert engine, the dashboard API, the device simulator): sign in with a token; read a pump's and a dialysis
 * machine's device pages (labels with units, progress); measure device → screen latency of every record sent while
 * watching the ward; see a pump's tile turn stale when its simulator goes silent while running, then red and
 * offline (DEVICE_OFFLINE, HIGH, after 30 s) and move to the front of its care unit, with the new HIGH alert banner,
 * the assertive live region and the alarm sound; acknowledge the alert from the page with a note, and see its status
 * change; then, as an auditor, the alarm burden page counts that alert and its time to acknowledge
 * (docs/alarm-burden.md). Screenshots go to {@code target/browser/}.
 *
 * <p>Device → screen in steady state, for docs/benchmarks.md (opt-in, a few minutes):
 * {@code -Dit.test='DashboardBrowserIT#shouldMeasureDeviceToScreenLatencyInSteadyState'
 * -Dvigil.browser.latencySeconds=60 [-Dvigil.browser.latencyDevices=100]}.
 *
 * <p>Uses the system's Chromium and chromedriver (Debian packages {@code chromium}, {@code chromium-driver};
 * {@code .ci/run} installs them) through the {@code webdriver.chrome.driver} property and an explicit browser
 * binary, so Selenium never downloads a driver or a browser.
 */
class DashboardBrowserIT {
    /** Second pump of care unit ICU-4A (devices go round-robin over the units), so ordering by alert shows. */
    private static final String SILENT_PUMP = "PUMP-0004";
    private static final String FIRST_BY_ID = "PUMP-0001"; // same care unit, first by device id
    private static final String SILENT_UNIT = "ICU-4A";
    private static final Pattern RUNNING = Pattern.compile("\"state\"\\s*:\\s*\"running\"");
    private static final Path SHOTS = Path.of("target", "browser");
    private static final Map<String, Integer> RANK = Map.of("HIGH", 3, "MEDIUM", 2, "LOW", 1, "none", 0);

    @Test
    void shouldTurnATileRedOnAHighAlertAndAcknowledgeItFromThePage() throws Exception {
        long startNanos = System.nanoTime();
        try (Stack stack = Stack.start(6, 3, 18)) {
            WebDriver browser = stack.browser;
            try {
                stack.signIn();
                System.out.printf("[browser] page live after %d s%n", secondsSince(startNanos));
                assertThat(tileState(browser, SILENT_PUMP).get("priority")).as("no alert yet").isNotEqualTo("HIGH");

                Path pumpPage = checkPumpPage(browser, "PUMP-0002");
                Path dialysisPage = checkDialysisPage(browser, "DIAL-0001");

                browser.get(stack.base + "/#/ward");
                waitFor(Duration.ofSeconds(10), "ward", () -> first(browser, By.cssSelector(".tile"), true));
                WebElement sound = browser.findElement(By.id("sound-toggle"));
                sound.click();
                assertThat(sound.getAttribute("aria-pressed")).isEqualTo("true");
                assertThat(sound.getText()).isEqualTo("Alarm sound: on");
                int beepsBefore = Integer.parseInt(sound.getAttribute("data-played")); // the test tone
                assertThat(beepsBefore).isEqualTo(1);

                long installedAtMillis = ScreenLatencyProbe.install(browser);
                stack.sendLog.startRecording();
                stack.silencer.silence(SILENT_PUMP);
                long silencedNanos = System.nanoTime();

                Map<String, String> stale = waitFor(Duration.ofSeconds(30), SILENT_PUMP + " tile stale", () -> {
                    Map<String, String> t = tileState(browser, SILENT_PUMP);
                    return t != null && "stale".equals(t.get("freshness")) ? t : null;
                });
                assertThat(stale.get("text")).containsPattern("STALE · no data for \\d+ s");
                assertThat(stale.get("priority")).isNotEqualTo("HIGH");
                assertThat(browser.findElement(By.id("high-alert")).isDisplayed()).as("no new HIGH alert yet")
                        .isFalse();
                System.out.printf("[browser] %s tile stale %d s after its simulator went silent%n", SILENT_PUMP,
                        secondsSince(silencedNanos));
                Path staleShot = screenshot(browser, "ward-stale.png");

                waitFor(Duration.ofSeconds(75), SILENT_PUMP + " tile red", () -> {
                    WebElement t = tile(browser, SILENT_PUMP);
                    return t != null && "HIGH".equals(t.getAttribute("data-priority")) ? t : null;
                });
                List<ScreenLatencyProbe.SendLog.Sent> sent = stack.sendLog.stopRecording().stream()
                        .filter(s -> s.tsMillis() >= installedAtMillis)
                        .toList();
                System.out.printf("[browser] %s tile HIGH %d s after its simulator went silent%n", SILENT_PUMP,
                        secondsSince(silencedNanos));
                Map<String, String> red = tileState(browser, SILENT_PUMP);
                assertThat(red.get("text")).contains("HIGH: DEVICE OFFLINE").containsPattern("OFFLINE · no data for");
                assertThat(red.get("freshness")).isEqualTo("offline");
                assertThat(red.get("background")).isEqualTo("rgb(215, 38, 46)");
                assertTilesOrderedByAlert(browser);

                WebElement banner = browser.findElement(By.id("high-alert"));
                assertThat(banner.isDisplayed()).isTrue();
                assertThat(banner.getText()).contains("New HIGH alert").contains(SILENT_PUMP + " · DEVICE OFFLINE · "
                        + SILENT_UNIT);
                WebElement live = browser.findElement(By.id("high-alert-live"));
                assertThat(live.getAttribute("aria-live")).isEqualTo("assertive");
                assertThat(live.getAttribute("textContent"))
                        .isEqualTo("New HIGH alert: DEVICE OFFLINE on " + SILENT_PUMP + " in " + SILENT_UNIT + ".");
                assertThat(Integer.parseInt(sound.getAttribute("data-played"))).as("alarm sounded")
                        .isGreaterThan(beepsBefore);
                assertNoHorizontalScroll(browser);
                Path ward = screenshot(browser, "ward-high-alert.png");

                ScreenLatencyProbe.awaitAllShown(browser, sent, Duration.ofSeconds(30));
                ScreenLatencyProbe.Result latency = ScreenLatencyProbe.measure(sent,
                        ScreenLatencyProbe.observations(browser));
                System.out.printf("%n%s%n%n", latency.summary("9 devices, 18 records/s, "
                        + Duration.ofNanos(System.nanoTime() - silencedNanos).toSeconds() + " s, while one pump"
                        + " goes silent"));
                assertThat(latency.missing()).as("records whose change never reached the screen").isEmpty();
                assertThat(latency.latencyMillis().getTotalCount()).isEqualTo(sent.size()).isPositive();

                browser.findElement(By.id("nav-alerts")).click();
                // One probe for find, read, type and click: the list re-renders on every event, so an element found
                // a moment ago may be gone (stale); the probe then starts again on the new row.
                String status = waitFor(Duration.ofSeconds(10), "alert row acknowledged from the page", () -> {
                    WebElement row = first(browser,
                            By.cssSelector(".alert-row[data-alert-id^='" + SILENT_PUMP + ":DEVICE_OFFLINE:']"), true);
                    if (row == null) {
                        return null;
                    }
                    String before = row.findElement(By.cssSelector(".status")).getText();
                    WebElement note = row.findElement(By.cssSelector("input[name='note']"));
                    note.clear();
                    note.sendKeys("Checked at bedside, pump rebooted");
                    row.findElement(By.cssSelector(".ack-button")).click();
                    return before;
                });
                assertThat(status).isEqualTo("ACTIVE");
                waitFor(Duration.ofSeconds(10), "status ACKNOWLEDGED", () -> {
                    WebElement r = first(browser,
                            By.cssSelector(".alert-row[data-alert-id^='" + SILENT_PUMP + ":DEVICE_OFFLINE:']"), false);
                    return r != null && r.findElement(By.cssSelector(".status")).getText().equals("ACKNOWLEDGED")
                            ? r : null;
                });
                assertThat(first(browser, By.cssSelector("#high-alert-list li[data-alert-id^='" + SILENT_PUMP
                        + ":DEVICE_OFFLINE:']"), false)).as("acknowledged: no longer new").isNull();
                assertNoHorizontalScroll(browser);
                Path alerts = screenshot(browser, "alerts-acknowledged.png");
                Path report = checkReportPage(browser, stack.base, stack.auditorToken);
                System.out.printf("%n[browser] screenshots: %s, %s, %s, %s, %s, %s (total %d s)%n%n",
                        pumpPage.toAbsolutePath(), dialysisPage.toAbsolutePath(), staleShot.toAbsolutePath(),
                        ward.toAbsolutePath(), alerts.toAbsolutePath(), report.toAbsolutePath(),
                        secondsSince(startNanos));
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "failure.png");
                throw e;
            }
        }
    }

    /**
     * Device → screen latency with many devices sending one record a second each, for docs/benchmarks.md: warm-up,
     * then {@code vigil.browser.latencySeconds} measured with the ward on screen. Prints the figures; asserts only
     * that every change sent reached the screen.
     */
    @Test
    @EnabledIfSystemProperty(named = "vigil.browser.latencySeconds", matches = "[0-9]+")
    void shouldMeasureDeviceToScreenLatencyInSteadyState() throws Exception {
        int seconds = Integer.getInteger("vigil.browser.latencySeconds");
        int devices = Integer.getInteger("vigil.browser.latencyDevices", 100);
        int warmUpSeconds = 20;
        try (Stack stack = Stack.start(devices - devices / 2, devices / 2, devices)) {
            WebDriver browser = stack.browser;
            try {
                stack.signIn();
                Thread.sleep(warmUpSeconds * 1000L);
                long installedAtMillis = ScreenLatencyProbe.install(browser);
                stack.sendLog.startRecording();
                Thread.sleep(seconds * 1000L);
                List<ScreenLatencyProbe.SendLog.Sent> sent = stack.sendLog.stopRecording().stream()
                        .filter(s -> s.tsMillis() >= installedAtMillis)
                        .toList();
                ScreenLatencyProbe.awaitAllShown(browser, sent, Duration.ofSeconds(60));
                ScreenLatencyProbe.Result latency = ScreenLatencyProbe.measure(sent,
                        ScreenLatencyProbe.observations(browser));
                screenshot(browser, "ward-steady-state.png");
                System.out.printf("%n%s%n%n", latency.summary(devices + " devices (" + (devices - devices / 2)
                        + " pumps), 1 record/s each, " + warmUpSeconds + " s warm-up, " + seconds + " s measured,"
                        + " ward on screen, one browser"));
                assertThat(latency.missing()).as("records whose change never reached the screen").isEmpty();
                assertThat(latency.latencyMillis().getTotalCount()).isEqualTo(sent.size()).isPositive();
            } catch (RuntimeException | AssertionError e) {
                screenshot(browser, "failure-steady-state.png");
                throw e;
            }
        }
    }

    /** Labels with units and the infusion progress of a pump; no camel-case field name on the page. */
    private static Path checkPumpPage(WebDriver browser, String deviceId) throws Exception {
        openDevicePage(browser, deviceId);
        List<String> page = devicePageText(browser, "infusion");
        String summary = page.get(0);
        assertThat(summary).containsPattern("Rate: \\d+(\\.\\d)? mL/h")
                .containsPattern("Infused: \\d+(\\.\\d)? mL")
                .containsPattern("Volume to be infused: \\d+(\\.\\d)? mL")
                .containsPattern("Line pressure: -?\\d+ mmHg")
                .containsPattern("Battery: \\d+ %")
                .containsPattern("Power: (mains|battery)")
                .containsPattern("State: (running|paused|stopped|kvo)")
                .doesNotContainPattern("[a-z]+(Ml|MmHg|Pct)\\b");
        String progress = page.get(1);
        assertThat(progress).matches("\\d+(\\.\\d)? of \\d+(\\.\\d)? mL");
        return screenshot(browser, "device-pump.png");
    }

    /** Labels with units and the treatment progress of a dialysis machine. */
    private static Path checkDialysisPage(WebDriver browser, String deviceId) throws Exception {
        openDevicePage(browser, deviceId);
        List<String> page = devicePageText(browser, "treatment");
        String summary = page.get(0);
        assertThat(summary).containsPattern("Blood flow: \\d+ mL/min")
                .containsPattern("Dialysate flow: \\d+ mL/min")
                .containsPattern("Transmembrane pressure: -?\\d+ mmHg")
                .containsPattern("Conductivity: \\d+(\\.\\d+)? mS/cm")
                .containsPattern("Dialysate temperature: \\d+(\\.\\d)? °C")
                .containsPattern("Acid concentrate left: \\d+ mL")
                .containsPattern("Ultrafilter hours: \\d+ h")
                .doesNotContainPattern("[a-z]+(Ml|MmHg|MsCm|PerMin|Min)\\b");
        assertThat(page.get(1))
                .matches("\\d+(\\.\\d)? of \\d+(\\.\\d)? min");
        return screenshot(browser, "device-dialysis.png");
    }

    /**
     * The device page's summary text and the text of its progress bar of {@code kind}, read in one script call: the
     * page re-renders on every event, so elements found by one call can be gone by the next (a stale element failed
     * a CI run). Waits until the progress bar is there.
     */
    @SuppressWarnings("unchecked")
    private static List<String> devicePageText(WebDriver browser, String kind) throws InterruptedException {
        return waitFor(Duration.ofSeconds(10), "the device page's summary and " + kind + " progress", () -> {
            List<String> texts = (List<String>) ((JavascriptExecutor) browser).executeScript("""
                    const summary = document.getElementById('device-summary');
                    const progress = document.querySelector("[data-progress='" + arguments[0] + "'] .progress-text");
                    return summary && progress ? [summary.innerText, progress.innerText] : null;""", kind);
            return texts;
        });
    }

    private static void openDevicePage(WebDriver browser, String deviceId) throws InterruptedException {
        ((JavascriptExecutor) browser).executeScript("location.hash = '#/ward';");
        waitFor(Duration.ofSeconds(10), "click on the tile of " + deviceId, () -> { // retried: tiles re-render live
            WebElement t = tile(browser, deviceId);
            if (t != null) {
                t.click();
            }
            return t;
        });
        waitFor(Duration.ofSeconds(10), "device page of " + deviceId, () -> {
            WebElement title = browser.findElement(By.id("device-title"));
            return title.isDisplayed() && title.getText().startsWith(deviceId + " ")
                    && browser.findElement(By.id("device-summary")).getText().contains("State:") ? title : null;
        });
    }

    /**
     * In every care unit: highest open alert first, then device id; the silent pump before the first by id. Reads
     * the ward in one script call, a consistent snapshot while tiles re-render live.
     */
    @SuppressWarnings("unchecked")
    private static void assertTilesOrderedByAlert(WebDriver browser) {
        Map<String, List<List<String>>> units = (Map<String, List<List<String>>>) ((JavascriptExecutor) browser)
                .executeScript("""
                        const out = {};
                        for (const u of document.querySelectorAll('#units .unit')) {
                          out[u.dataset.careUnit] = [...u.querySelectorAll('.tile')]
                            .map((t) => [t.dataset.deviceId, t.dataset.priority]);
                        }
                        return out;""");
        assertThat(units).containsKey(SILENT_UNIT);
        units.forEach((unit, tiles) -> {
            List<String> shown = tiles.stream().map(t -> t.get(0)).toList();
            List<String> expected = tiles.stream()
                    .sorted(Comparator.comparingInt((List<String> t) -> -RANK.get(t.get(1)))
                            .thenComparing(t -> t.get(0)))
                    .map(t -> t.get(0))
                    .toList();
            assertThat(shown).as("tiles of " + unit).isNotEmpty().containsExactlyElementsOf(expected);
            if (unit.equals(SILENT_UNIT) && !"HIGH".equals(tiles.get(shown.indexOf(FIRST_BY_ID)).get(1))) {
                assertThat(shown.indexOf(SILENT_PUMP)).isLessThan(shown.indexOf(FIRST_BY_ID));
            }
        });
    }

    /**
     * A device tile's text, priority, freshness and background colour, read in one script call (a tile can be
     * replaced between two WebDriver calls while the ward updates live); null when there is no such tile.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> tileState(WebDriver browser, String deviceId) {
        return (Map<String, String>) ((JavascriptExecutor) browser).executeScript("""
                const t = document.querySelector('.tile[data-device-id="' + CSS.escape(arguments[0]) + '"]');
                if (!t) return null;
                return { text: t.innerText, priority: t.dataset.priority, freshness: t.dataset.freshness,
                  background: getComputedStyle(t).backgroundColor };""", deviceId);
    }

    private static WebElement tile(WebDriver browser, String deviceId) {
        return first(browser, By.cssSelector(".tile[data-device-id='" + deviceId + "']"), true);
    }

    /** The local stack, the simulator and a signed-in-ready browser; closes all in reverse order. */
    private static final class Stack implements AutoCloseable {
        private final List<AutoCloseable> open = new ArrayList<>();
        private String base;
        private String nurseToken;
        private String auditorToken;
        private SilencingSink silencer;
        private ScreenLatencyProbe.SendLog sendLog;
        private Simulation simulation;
        private WebDriver browser;

        static Stack start(int pumps, int dialysis, double recordsPerSecond) throws Exception {
            Path chromium = onPath("vigil.chromium", "chromium", "chromium-browser");
            Path chromedriver = onPath("vigil.chromedriver", "chromedriver");
            Files.createDirectories(SHOTS);
            Stack stack = new Stack();
            try {
                String secret = TokenMinter.generateSecret();
                LocalAws aws = stack.keep(LocalAws.start(LocalAwsConfig.defaults()));
                stack.keep(VigilConsumer.start(
                        ConsumerConfig.local(aws.kinesisEndpoint(), aws.dynamoDbEndpoint(), aws.streamName(),
                                aws.tablePrefix()),
                        LocalAws.credentials(), new SimpleMeterRegistry(), Clock.systemUTC()));
                DashboardServer api = stack.keep(DashboardServer.start(
                        new DashboardConfig("127.0.0.1", 0, aws.tablePrefix(), secret, aws.dynamoDbEndpoint(),
                                LocalAws.REGION.id()),
                        aws.dynamoDbClient()));
                stack.sendLog = new ScreenLatencyProbe.SendLog(
                        new KinesisPublisher(aws.kinesisClient(), PublisherConfig.defaults(aws.streamName())));
                stack.silencer = stack.keep(new SilencingSink(stack.sendLog));
                stack.simulation = new Simulation(SimConfig.defaults()
                        .withDevices(pumps, dialysis)
                        .withRecordsPerSecond(recordsPerSecond)
                        .withLimits(null, 0)
                        .withSeed(20261122L), stack.silencer);
                stack.simulation.start();
                stack.keep(stack.simulation::stop);
                stack.base = "http://127.0.0.1:" + api.port();
                stack.nurseToken = TokenMinter.forSecret(secret).mint(TokenSpec.caregiver("browser-nurse",
                        SimConfig.DEFAULT_CARE_UNITS.toArray(new String[0])));
                stack.auditorToken = TokenMinter.forSecret(secret).mint(TokenSpec.auditor("browser-auditor"));

                ChromeDriverService service = new ChromeDriverService.Builder()
                        .usingDriverExecutable(chromedriver.toFile())
                        .usingAnyFreePort()
                        .build();
                System.setProperty("webdriver.chrome.driver", chromedriver.toString());
                Path profile = Files.createTempDirectory("vigil-chromium-");
                ChromeOptions options = new ChromeOptions()
                        .setBinary(chromium.toFile())
                        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
                                "--user-data-dir=" + profile.toAbsolutePath());
                stack.browser = new ChromeDriver(service, options);
                stack.keep(stack.browser::quit);
                return stack;
            } catch (Exception | AssertionError e) {
                stack.close();
                throw e;
            }
        }

        private <T extends AutoCloseable> T keep(T resource) {
            open.add(resource);
            return resource;
        }

        /** Signs in as a caregiver of every care unit; returns when the ward shows tiles and the stream is live. */
        void signIn() throws InterruptedException {
            browser.get(base + "/");
            browser.findElement(By.id("token")).sendKeys(nurseToken);
            browser.findElement(By.id("login-submit")).click();
            waitFor(Duration.ofSeconds(60), "tile of " + SILENT_PUMP, () -> tile(browser, SILENT_PUMP));
            waitFor(Duration.ofSeconds(10), "live stream", () ->
                    browser.findElement(By.id("live")).getText().equals("live") ? Boolean.TRUE : null);
        }

        @Override
        public void close() {
            IllegalStateException failed = null;
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    if (failed == null) {
                        failed = new IllegalStateException("closing the local stack failed", e);
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            if (failed != null) {
                throw failed;
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

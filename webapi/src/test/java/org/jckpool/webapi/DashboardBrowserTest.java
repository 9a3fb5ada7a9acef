package org.jckpool.webapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jckpool.webapi.http.WebApiConfig;
import org.jckpool.webapi.http.WebApiServer;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.BlockStatus;
import org.jckpool.webapi.view.FoundBlock;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.UserSummary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives Debian's headless Chromium through the dashboard served by a real WebApiServer over known data.
 * Needs /usr/bin/chromium and /usr/bin/chromedriver (packages chromium, chromium-driver; CI installs them):
 * without them this test fails on purpose, it does not skip. Other paths: -Dwebapi.chromium=…,
 * -Dwebapi.chromedriver=…. -Dwebapi.updateScreenshot=true also writes docs/dashboard.png.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static InMemoryPoolView view;
    private static WebApiServer server;
    private static ChromeDriverService service;
    private static WebDriver driver;
    private static Path profile;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = Paths.get(System.getProperty("webapi.chromium", "/usr/bin/chromium"));
        Path chromedriver = Paths.get(System.getProperty("webapi.chromedriver", "/usr/bin/chromedriver"));
        assertThat(Files.isExecutable(chromium))
                .as("Chromium not found at %s: the dashboard browser test needs Debian's chromium and chromium-driver "
                        + "(apt-get install -y chromium chromium-driver; .ci/run installs them)", chromium)
                .isTrue();
        assertThat(Files.isExecutable(chromedriver))
                .as("ChromeDriver not found at %s: apt-get install -y chromium-driver", chromedriver)
                .isTrue();

        profile = Files.createTempDirectory("webapi-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1250", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);

        Instant now = Instant.now();
        view = InMemoryPoolView.sample(now);
        server = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withHistoryInterval(Duration.ofMillis(50)), view, Metrics.withoutJvm(java.time.Clock.systemUTC()));
        base = server.uri().toString();
        // Give the chart a history that moves before the fixed figures the assertions expect.
        PoolSummary known = view.summary;
        for (int i = 0; i < 60; i++) {
            double wave = 1.6e13 * (0.75 + 0.25 * Math.sin(i / 6.0) + i / 240.0);
            view.summary = InMemoryPoolView.summary(known.startedAt(), known.network().templateTime(), wave, 2, 3, 2);
            Thread.sleep(50); // one history sample (every 50 ms) per figure
        }
        view.summary = known;
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            if (server != null) {
                server.close();
            }
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Runs a script in the page; reads go through here because the tables are rebuilt on every refresh. */
    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static int refreshes() {
        Object value = js("return document.body.getAttribute('data-refreshes');");
        return value == null ? 0 : Integer.parseInt(value.toString());
    }

    private static void waitForRefreshAfter(int count) {
        waiting().until(d -> refreshes() > count);
    }

    @SuppressWarnings("unchecked")
    private static List<String> rowAttributes(String tableId, String attribute) {
        return (List<String>) js("var name = arguments[1];"
                + " return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                + ".map(function (r) { return r.getAttribute(name); });", tableId, attribute);
    }

    /** The visible text of the first element matching a CSS selector, or null if none. */
    private static String textOf(String selector) {
        return (String) js("var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", selector);
    }

    private static String text(String id) {
        return textOf("#" + id);
    }

    @Test
    @Order(1)
    void dashboardShowsThePoolAndFollowsChanges() throws Exception {
        driver.get(base + "?refresh=1");
        waitForRefreshAfter(0);

        assertThat(text("status")).isEqualTo("online");
        assertThat(text("hr-1m")).isEqualTo("16.00 TH/s");
        assertThat(text("counts")).isEqualTo("2 / 3 / 3");
        assertThat(text("shares")).isEqualTo("1,000 / 7");
        assertThat(text("reject-reasons")).isEqualTo("duplicate: 2, stale: 5");
        assertThat(text("network")).startsWith("height 871,234, difficulty 102.34 T");
        assertThat(text("uptime")).matches("3d 1h \\d+m");
        assertThat(rowAttributes("workers", "data-worker")).containsExactly("bob.s9", "alice.rig1", "alice.rig2");
        assertThat(textOf("#workers tr[data-worker='alice.rig1']")).contains("1.50 TH/s").contains("500").containsPattern("\\d+ (s|min) ago");
        assertThat(rowAttributes("blocks", "data-height")).containsExactly("871233", "871100");
        assertThat(textOf("#blocks tr[data-height='871233']"))
                .contains("871,233").contains("accepted").contains("bob.s9");
        assertThat(textOf("#nodes tr[data-node='http://127.0.0.1:18332']"))
                .contains("yes").contains("active");
        assertThat(js("return document.getElementById('upstreams-section').hidden;"))
                .as("a pool that is not a proxy shows no upstream table").isEqualTo(true);

        // The chart is drawn from the sampled history: a polyline with many points.
        waiting().until(d -> samples() >= 10);
        String points = (String) js("return document.getElementById('chart-line-1m').getAttribute('points');");
        assertThat(points.trim().split(" ")).hasSizeGreaterThanOrEqualTo(10);
        Number width = (Number) js("return document.getElementById('chart-line-1m').getBoundingClientRect().width;");
        assertThat(width.doubleValue()).isGreaterThan(300);
        // the y axis never repeats a label
        String yLabels = (String) js("return Array.from(document.querySelectorAll('#chart-svg .y-label'))"
                + ".map(function (e) { return e.textContent; }).join('|');");
        assertThat(yLabels.split("\\|")).hasSize(5).doesNotHaveDuplicates();

        byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
        assertThat(png).hasSizeGreaterThan(10_000);
        Files.write(Paths.get("target", "dashboard.png"), png);
        if (Boolean.getBoolean("webapi.updateScreenshot")) {
            Files.write(Paths.get("..", "docs", "dashboard.png"), png);
        }

        // Change the data: a new user, more hashrate, a new block; the page must follow without a reload.
        Instant now = Instant.now();
        List<UserSummary> users = new ArrayList<>(view.users);
        users.add(InMemoryPoolView.user("carol", InMemoryPoolView.worker("carol", "new", 3.0e12, 9, now)));
        view.users = users;
        PoolSummary s = view.summary;
        view.summary = InMemoryPoolView.summary(s.startedAt(), s.network().templateTime(), 2.2e13, 3, 4, 3);
        List<FoundBlock> blocks = new ArrayList<>();
        blocks.add(new FoundBlock(871300, "0000000000000000000333334444555566667777888899990000aaaabbbbcccc", now,
                BlockStatus.SUBMITTED, "carol.new"));
        blocks.addAll(view.blocks);
        view.blocks = blocks;

        waiting().until(d -> text("hr-1m").equals("22.00 TH/s"));
        waiting().until(d -> rowAttributes("workers", "data-worker").contains("carol.new"));
        assertThat(rowAttributes("workers", "data-worker")).containsExactly("bob.s9", "carol.new", "alice.rig1",
                "alice.rig2");
        assertThat(text("counts")).isEqualTo("3 / 4 / 4");
        assertThat(rowAttributes("blocks", "data-height")).containsExactly("871300", "871233", "871100");
        assertThat(textOf("#blocks tr[data-height='871300']"))
                .contains("submitted").contains("carol.new");
        assertThat(text("blocks-found")).isEqualTo("3");
    }

    private static int samples() {
        Object value = js("var e = document.getElementById('chart-line-1m'); "
                + "return e ? e.getAttribute('data-samples') : null;");
        return value == null ? 0 : Integer.parseInt(value.toString());
    }

    @Test
    @Order(2)
    void userLookupShowsThatUsersWorkers() throws IOException {
        driver.get(base + "user.html?u=alice&refresh=1");
        waitForRefreshAfter(0);
        assertThat(text("user-name")).isEqualTo("alice");
        assertThat(text("user-hr-1m")).isEqualTo("2.00 TH/s");
        assertThat(rowAttributes("workers", "data-worker")).containsExactly("alice.rig1", "alice.rig2");
        assertThat(js("return document.getElementById('error').hidden;")).isEqualTo(true);
        Files.write(Paths.get("target", "user-page.png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));

        // The lookup form on the pool page leads to the same page for another user.
        driver.get(base);
        WebElement input = driver.findElement(By.id("lookup-input"));
        input.sendKeys("bob");
        input.submit();
        waiting().until(d -> d.getCurrentUrl().contains("user.html?u=bob"));
        waitForRefreshAfter(0);
        assertThat(rowAttributes("workers", "data-worker")).containsExactly("bob.s9");

        // The #/user/NAME form redirects too.
        driver.get(base + "#/user/alice");
        waiting().until(d -> d.getCurrentUrl().contains("user.html?u=alice"));
        waitForRefreshAfter(0);
        assertThat(text("user-name")).isEqualTo("alice");

        driver.get(base + "user.html?u=nobody");
        waitForRefreshAfter(0);
        assertThat(text("error")).startsWith("Unknown user: nobody");
        assertThat(text("workers")).contains("no workers");
    }

    /** /api/upstreams as the proxy's stratifier serves it: the generator's upstream.status plus "forwarding". */
    static com.fasterxml.jackson.databind.JsonNode upstreams(int active, boolean firstAlive, long lastShare)
            throws IOException {
        String first = "{\"index\":0,\"url\":\"pool.example.com:3333\",\"user\":\"acct.proxy1\",\"active\":"
                + (active == 0) + ",\"alive\":" + firstAlive + ",\"accepted\":1234,\"rejected\":5,\"stale\":3,"
                + "\"lost\":0,\"forwarded\":1239,\"get_failures\":0,\"remote_failures\":1,"
                + "\"pool_rejected_percent\":0.4035,\"pool_stale_percent\":0.2421,\"last_share_time\":" + lastShare
                + (firstAlive ? ",\"difficulty\":65536,\"extranonce1\":\"2a010000\",\"extranonce2_size\":8,"
                        + "\"version_mask\":\"1fffe000\",\"latency_ms\":42" : ",\"problem\":\"connection refused\"")
                + "}";
        String second = "{\"index\":1,\"url\":\"stratum+tcp://backup.example.org:3333\",\"user\":\"acct.proxy1\","
                + "\"active\":" + (active == 1) + ",\"alive\":true,\"accepted\":" + (active == 1 ? 7 : 0)
                + ",\"rejected\":0,\"stale\":0,\"lost\":0,\"forwarded\":0,\"get_failures\":0,"
                + "\"remote_failures\":0,\"pool_rejected_percent\":0.0,\"pool_stale_percent\":0.0,"
                + "\"difficulty\":0.002,\"extranonce2_size\":8,\"latency_ms\":7}";
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"active\":" + active
                + ",\"upstreams\":[" + second + "," + first + "],\"forwarding\":{\"forwarded\":1246,"
                + "\"not_sent\":0,\"accepted\":1241,\"rejected\":5,\"block_candidates\":0}}");
    }

    @Test
    @Order(4)
    void aProxysDashboardShowsItsUpstreamPoolsAndFollowsAFailover() throws Exception {
        Instant now = Instant.now();
        InMemoryPoolView proxy = InMemoryPoolView.sample(now);
        proxy.upstreams = upstreams(0, true, now.getEpochSecond() - 600);
        try (WebApiServer px = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                proxy, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            driver.get(px.uri() + "?refresh=1");
            waitForRefreshAfter(0);
            assertThat(js("return document.getElementById('upstreams-section').hidden;")).isEqualTo(false);
            assertThat(js("return document.getElementById('nodes-section').hidden;"))
                    .as("a proxy has upstream pools instead of nodes").isEqualTo(true);
            assertThat(rowAttributes("upstreams", "data-upstream")).as("priority order").containsExactly("0", "1");
            assertThat(cells("#upstreams tr[data-upstream='0'] td")).containsExactly("pool.example.com:3333",
                    "acct.proxy1", "0", "active", "yes", "1,234", "5", "0.24 %", "0.40 %", "10 min ago", "65.54 K",
                    "42 ms");
            assertThat(cells("#upstreams tr[data-upstream='1'] td")).containsExactly(
                    "stratum+tcp://backup.example.org:3333", "acct.proxy1", "1", "", "yes", "0", "0", "0.00 %",
                    "0.00 %", "never", "0.00200", "7 ms");
            assertThat(text("upstreams-forwarding")).isEqualTo("(1,246 shares forwarded)");

            // the first upstream dies: the proxy works for the second, the page follows without a reload
            proxy.upstreams = upstreams(1, false, now.getEpochSecond() - 600);
            waiting().until(d -> cells("#upstreams tr[data-upstream='0'] td").get(4).equals("no"));
            List<String> dead = cells("#upstreams tr[data-upstream='0'] td");
            assertThat(dead.get(3)).isEmpty();
            assertThat(dead.subList(10, 12)).containsExactly("–", "–");
            assertThat(js("return document.querySelector(\"#upstreams tr[data-upstream='0']\").title;"))
                    .isEqualTo("connection refused");
            assertThat(cells("#upstreams tr[data-upstream='1'] td").get(3)).isEqualTo("active");
            Files.write(Paths.get("target", "dashboard-proxy.png"),
                    ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    @Order(5)
    void thePassthroughPanelShowsAPoolsDownstreamInstancesAndARelaysUpstreamLink() throws Exception {
        Instant now = Instant.now();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        InMemoryPoolView pool = InMemoryPoolView.sample(now);
        pool.passthrough = json.readTree("{\"mode\":\"pool\",\"downstream\":[]}");
        try (WebApiServer up = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                pool, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            driver.get(up.uri() + "?refresh=1");
            waitForRefreshAfter(0);
            assertThat(js("return document.getElementById('passthrough-section').hidden;"))
                    .as("a pool without passthroughs shows no panel").isEqualTo(true);
            pool.passthrough = json.readTree("{\"mode\":\"pool\",\"downstream\":[{\"id\":7,"
                    + "\"address\":\"10.0.0.9:4000\",\"server\":0,\"clients\":1234,\"since\":"
                    + (now.getEpochSecond() - 120) + "}]}");
            waiting().until(d -> Boolean.FALSE.equals(js(
                    "return document.getElementById('passthrough-section').hidden;")));
            assertThat(text("passthrough-mode")).isEqualTo("(pool)");
            assertThat(text("passthrough-link")).isEqualTo("1 downstream passthrough instance connected");
            assertThat(cells("#downstream tr[data-link='7'] td")).containsExactly("10.0.0.9:4000", "7", "1,234",
                    "2 min ago");
            assertThat(text("nodes-title")).isEqualTo("Nodes");
            assertThat(js("return document.getElementById('remotes-block').hidden;")).as("no remotes")
                    .isEqualTo(true);

            // the main pool of trusted remotes: one connected, one gone
            pool.passthrough = json.readTree("{\"mode\":\"pool\",\"downstream\":[],\"remotes\":[{\"id\":\"edge1\","
                    + "\"address\":\"10.0.0.21\",\"connected\":true,\"since\":" + (now.getEpochSecond() - 300)
                    + ",\"seq\":4211,\"shares\":4000,\"rejected\":10,\"shareerrors\":5,\"replays\":12,"
                    + "\"blocks\":1},{\"id\":\"edge2\",\"address\":\"10.0.0.22\",\"connected\":false,\"since\":0,"
                    + "\"seq\":7,\"shares\":7,\"rejected\":0,\"shareerrors\":0,\"replays\":0,\"blocks\":0}]}");
            waiting().until(d -> Boolean.FALSE.equals(js("return document.getElementById('remotes-block').hidden;")));
            assertThat(cells("#remotes tr[data-remote='edge1'] td")).containsExactly("edge1", "10.0.0.21",
                    "5 min ago", "4,211", "3,990", "15", "12", "1");
            assertThat(cells("#remotes tr[data-remote='edge2'] td")).containsExactly("edge2", "10.0.0.22", "no",
                    "7", "7", "0", "0", "0");
            assertThat(js("return document.getElementById('passthrough-section').hidden;")).isEqualTo(false);
            assertThat(js("return document.getElementById('remote-upstream').hidden;")).isEqualTo(true);
        }

        // a trusted remote: its link to the main pool, not taken for a relay's upstream
        InMemoryPoolView remote = InMemoryPoolView.sample(now);
        remote.passthrough = json.readTree("{\"mode\":\"remote\",\"downstream\":[],\"remotes\":[],\"upstream\":{"
                + "\"upstream\":\"main.example:3336\",\"connected\":true,\"connected_since\":"
                + (now.getEpochSecond() - 7200) + ",\"acked\":90,\"last_seq\":120,\"pending\":30,\"dropped\":0}}");
        try (WebApiServer rm = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                remote, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            driver.get(rm.uri() + "?refresh=1");
            waitForRefreshAfter(0);
            assertThat(js("return document.getElementById('passthrough-section').hidden;")).isEqualTo(false);
            assertThat(text("passthrough-mode")).isEqualTo("(remote)");
            assertThat(text("remote-upstream")).isEqualTo("reporting to upstream pool main.example:3336, connected"
                    + " 2 h ago · acked seq 90 of 120 · 30 in the outbox");
            assertThat(text("nodes-title")).as("its nodes are its own bitcoinds").isEqualTo("Nodes");
            remote.passthrough = json.readTree("{\"mode\":\"remote\",\"upstream\":{\"upstream\":"
                    + "\"main.example:3336\",\"connected\":false,\"error\":\"Connection refused\",\"acked\":90,"
                    + "\"last_seq\":150,\"pending\":60,\"dropped\":3}}");
            waiting().until(d -> text("remote-upstream").startsWith("upstream pool"));
            assertThat(text("remote-upstream")).isEqualTo("upstream pool main.example:3336 not connected (Connection"
                    + " refused) · acked seq 90 of 150 · 60 in the outbox · 3 dropped");
        }

        InMemoryPoolView relay = InMemoryPoolView.sample(now);
        relay.passthrough = json.readTree("{\"mode\":\"redirector\",\"clients\":3,\"upstream\":{"
                + "\"connected\":true,\"url\":\"pool.example.com:3333\",\"connected_since\":"
                + (now.getEpochSecond() - 30) + ",\"losses\":1},\"redirector\":{\"redirected\":5,"
                + "\"dropped_idle\":2,\"screening\":3}}");
        try (WebApiServer rd = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                relay, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            driver.get(rd.uri() + "?refresh=1");
            waitForRefreshAfter(0);
            assertThat(js("return document.getElementById('passthrough-section').hidden;")).isEqualTo(false);
            assertThat(js("return document.getElementById('downstream-block').hidden;")).isEqualTo(true);
            assertThat(text("passthrough-mode")).isEqualTo("(redirector)");
            assertThat(text("passthrough-link")).matches("upstream pool\\.example\\.com:3333 connected 3\\d s ago · 3"
                    + " miners routed · 1 losses · redirected 5, dropped idle 2, screening 3");
            assertThat(text("nodes-title")).as("a relay's nodes are its upstream pools").isEqualTo("Upstream pools");

            // the link drops: the panel says so without a reload
            relay.passthrough = json.readTree("{\"mode\":\"redirector\",\"clients\":0,\"upstream\":{"
                    + "\"connected\":false,\"last_error\":\"connection refused\",\"losses\":2}}");
            waiting().until(d -> text("passthrough-link").startsWith("no upstream connected"));
            assertThat(text("passthrough-link")).isEqualTo("no upstream connected (connection refused) · 0 miners"
                    + " routed · 2 losses");
        }
    }

    /** /api/schedule of a scheduling proxy at 70:30, alpha active, achieving {@code alphaAchieved} percent. */
    static com.fasterxml.jackson.databind.node.ObjectNode schedule(double alphaAchieved) throws IOException {
        return (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"slice_s\":30.0,\"grace_s\":10.0,\"current\":0,\"switches\":41,\"upstreams\":["
                + "{\"index\":0,\"name\":\"alpha\",\"weight\":70.0,\"target_percent\":70.0,\"healthy\":true,"
                + "\"active\":true,\"achieved_10m_percent\":" + alphaAchieved + ",\"achieved_1h_percent\":70.4,"
                + "\"switches\":21},"
                + "{\"index\":1,\"name\":\"beta\",\"weight\":30.0,\"target_percent\":30.0,\"healthy\":true,"
                + "\"active\":false,\"achieved_10m_percent\":" + (100 - alphaAchieved) + ",\"achieved_1h_percent\":29.6,"
                + "\"switches\":20}]}");
    }

    @Test
    @Order(6)
    void aSchedulingProxysSplitChartAndSlidersSetTheWeights() throws Exception {
        Instant now = Instant.now();
        InMemoryPoolView proxy = InMemoryPoolView.sample(now);
        proxy.upstreams = upstreams(0, true, now.getEpochSecond() - 60);
        proxy.schedule = schedule(68.0);
        String token = "dashboard-admin-token-1234";
        try (WebApiServer px = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withAdminToken(token), proxy, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            driver.get(px.uri() + "?refresh=1");
            waiting().until(d -> Boolean.FALSE.equals(js("return document.getElementById('schedule-section').hidden;")));
            assertThat(cells("#schedule tr[data-upstream='0'] td")).containsExactly("alpha", "70", "70.00 %",
                    "68.00 %", "70.40 %", "21", "active", "yes");
            assertThat(text("schedule-switches")).isEqualTo("(41 switches, slice 30 s)");
            // the chart: target and achieved per upstream, one sample per refresh
            proxy.schedule = schedule(69.5);
            waiting().until(d -> Integer.parseInt((String) js(
                    "return document.getElementById('split-achieved-0').getAttribute('data-samples');")) >= 2);
            assertThat(js("return document.querySelectorAll('#split-svg polyline').length;")).isEqualTo(4L);
            String target = (String) js("return document.getElementById('split-target-0').getAttribute('points');");
            String[] first = target.trim().split(" ")[0].split(",");
            // 70 % of the 186 px plot height from the top at 10 px: y = 10 + 0.3 * 186
            assertThat(Double.parseDouble(first[1])).isCloseTo(65.8, org.assertj.core.data.Offset.offset(0.2));
            assertThat(js("return document.querySelector(\"#schedule-sliders input[data-name='alpha']\").value;"))
                    .isEqualTo("70");

            // the sliders at 50:50, a wrong token first: nothing set, the refusal shown
            js("['alpha','beta'].forEach(function (n) {"
                    + " var i = document.querySelector(\"#schedule-sliders input[data-name='\" + n + \"']\");"
                    + " i.value = '50'; i.dispatchEvent(new Event('input')); });");
            driver.findElement(By.id("schedule-token")).sendKeys("wrong-token-wrong-token");
            driver.findElement(By.id("schedule-apply")).click();
            waiting().until(d -> text("schedule-result").startsWith("not set: wrong admin token"));
            assertThat(proxy.weightRequests).isEmpty();
            assertThat(js("return document.querySelector(\"#schedule-sliders input[data-name='alpha']\").value;"))
                    .as("an edited slider survives the refreshes").isEqualTo("50");
            WebElement tokenBox = driver.findElement(By.id("schedule-token"));
            tokenBox.clear();
            tokenBox.sendKeys(token);
            driver.findElement(By.id("schedule-apply")).click();
            waiting().until(d -> text("schedule-result").equals("weights set"));
            assertThat(proxy.weightRequests).hasSize(1);
            assertThat(proxy.weightRequests.get(0).toString()).isEqualTo("{\"weights\":{\"alpha\":50,\"beta\":50}}");
            Files.write(Paths.get("target", "dashboard-schedule.png"),
                    ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));

            // beta has too little extranonce2 room for the layout: the table says so, the reason on hover
            com.fasterxml.jackson.databind.node.ObjectNode incompatible = schedule(100.0);
            com.fasterxml.jackson.databind.node.ObjectNode beta =
                    (com.fasterxml.jackson.databind.node.ObjectNode) incompatible.path("upstreams").get(1);
            beta.put("healthy", false).put("compatible", false)
                    .put("incompatible", "extranonce2 size 4 is smaller than the proxy's layout (8 bytes)");
            proxy.schedule = incompatible;
            waiting().until(d -> cells("#schedule tr[data-upstream='1'] td").contains("incompatible"));
            assertThat(js("return document.querySelector(\"#schedule tr[data-upstream='1'] td:last-child\").title;"))
                    .isEqualTo("extranonce2 size 4 is smaller than the proxy's layout (8 bytes)");
            assertThat(cells("#schedule tr[data-upstream='0'] td")).endsWith("yes");
        }
    }

    /** The visible texts of every element matching a CSS selector. */
    @SuppressWarnings("unchecked")
    private static List<String> cells(String selector) {
        return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (e) { return e.innerText; });", selector);
    }

    @Test
    @Order(3)
    void aFreshPoolsChartEndsOnTheCardsRateWithDistinctAxisLabels() throws Exception {
        // A pool started moments ago with a CPU miner: one sample (the start's 0 H/s) and a rate of 1.2 H/s now.
        Instant now = Instant.now();
        InMemoryPoolView fresh = InMemoryPoolView.sample(now);
        PoolSummary started = fresh.summary;
        fresh.summary = InMemoryPoolView.summary(started.startedAt(), started.network().templateTime(), 0, 1, 1, 0);
        try (WebApiServer young = WebApiServer.start(WebApiConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
                fresh, Metrics.withoutJvm(java.time.Clock.systemUTC()))) {
            waiting().until(d -> {
                try {
                    return young.uri() != null && new String(java.net.URI.create(young.uri() + "api/pool/history")
                            .toURL().openStream().readAllBytes()).contains("\"points\":[{");
                } catch (IOException e) {
                    return false;
                }
            });
            fresh.summary = InMemoryPoolView.summary(started.startedAt(), started.network().templateTime(), 1.2, 1, 1,
                    0);
            driver.get(young.uri() + "?refresh=1");
            waitForRefreshAfter(0);
            assertThat(text("hr-1m")).isEqualTo("1 H/s");
            // the chart's line ends on that rate, not on the start's zero: its last point is above the bottom
            String points = (String) js("return document.getElementById('chart-line-1m').getAttribute('points');");
            String[] xy = points.trim().split(" ");
            double firstY = Double.parseDouble(xy[0].split(",")[1]);
            double lastY = Double.parseDouble(xy[xy.length - 1].split(",")[1]);
            assertThat(lastY).as(points).isLessThan(firstY);
            String yLabels = (String) js("return Array.from(document.querySelectorAll('#chart-svg .y-label'))"
                    + ".map(function (e) { return e.textContent; }).join('|');");
            assertThat(yLabels.split("\\|")).as(yLabels).hasSize(5).doesNotHaveDuplicates();
        }
    }
}

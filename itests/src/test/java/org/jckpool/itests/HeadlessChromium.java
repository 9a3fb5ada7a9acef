package org.jckpool.itests;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's headless Chromium driven through chromedriver, for a running suite's dashboard; set up as webapi's
 * DashboardBrowserTest does (/usr/bin/chromium and /usr/bin/chromedriver, -Dwebapi.chromium / -Dwebapi.chromedriver
 * for others; missing ones fail the test, as there).
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    static HeadlessChromium start() throws IOException {
        Path chromium = Path.of(System.getProperty("webapi.chromium", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty("webapi.chromedriver", "/usr/bin/chromedriver"));
        assertThat(Files.isExecutable(chromium)).as("Chromium not found at %s (apt-get install -y chromium "
                + "chromium-driver)", chromium).isTrue();
        assertThat(Files.isExecutable(chromedriver)).as("ChromeDriver not found at %s", chromedriver).isTrue();
        Path profile = Files.createTempDirectory("itests-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1250", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return new HeadlessChromium(service, driver, profile);
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The visible texts of every element matching a CSS selector. */
    @SuppressWarnings("unchecked")
    List<String> texts(String selector) {
        return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (e) { return e.innerText; });", selector);
    }

    /** Waits (polling the page, up to 30 s) until {@code condition} holds; false if it never did. */
    boolean waitUntil(Supplier<Boolean> condition) {
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(200));
        wait.ignoring(StaleElementReferenceException.class);
        try {
            return wait.until(d -> condition.get() ? Boolean.TRUE : null);
        } catch (org.openqa.selenium.TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}

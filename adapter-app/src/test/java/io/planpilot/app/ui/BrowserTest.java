package io.planpilot.app.ui;

import io.planpilot.app.AdapterIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

/**
 * Drives the running adapter with a real headless Chromium through Selenium (Debian's
 * {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them). One browser per test
 * class. Without {@code /usr/bin/chromedriver} the tests are skipped on a developer's machine and fail
 * in CI (the environment variable {@code CI} is set), so a missing browser never passes silently there.
 * Subclasses: open pages ({@link #open}), read the console ({@link #consoleErrors}), run script
 * ({@link #js}), save screenshots ({@link #screenshot}).
 */
public abstract class BrowserTest extends AdapterIntegrationTest {

    static final Path CHROMEDRIVER = Path.of(System.getProperty("planpilot.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("planpilot.chromium", "/usr/bin/chromium"));
    /** Where screenshots go: the repository's docs/screenshots (tests run in adapter-app). */
    static final Path SCREENSHOTS = Path.of("..", "docs", "screenshots");
    protected static final int DESKTOP_WIDTH = 1280;
    protected static final int FRAME_WIDTH = 600;

    private static WebDriver browser;

    @LocalServerPort
    private int serverPort;

    @BeforeEach
    void startBrowser() {
        if (browser == null) {
            browser = newBrowser();
        }
        consoleErrors(); // what an earlier test left in the console is not this test's
    }

    private static WebDriver newBrowser() {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            String missing = "no " + (Files.isExecutable(CHROMEDRIVER) ? CHROMIUM : CHROMEDRIVER)
                    + ": install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)";
            if (System.getenv("CI") != null) {
                throw new AssertionError("CI is set but " + missing);
            }
            Assumptions.abort(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US",
                "--window-size=" + DESKTOP_WIDTH + ",900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    protected WebDriver browser() {
        return browser;
    }

    protected String url(String path) {
        return "http://localhost:" + serverPort + path;
    }

    /** Opens a path of the adapter and waits until the page and its scripts have run. */
    protected void open(String path) {
        browser.get(url(path));
        awaitLoaded();
    }

    protected void awaitLoaded() {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(
                d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** Clicks what leads to another page and waits until that page has loaded (not just the old one still shown). */
    protected void clickAndWait(By what) {
        org.openqa.selenium.WebElement page = browser.findElement(By.tagName("html"));
        browser.findElement(what).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(
                org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(page));
        awaitLoaded();
    }

    protected Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** The browser console's errors since the last call (the log is read once). */
    protected List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Forgets the session (and the remembered language): the next page is opened as a stranger. */
    protected void forgetSession() {
        browser.manage().deleteAllCookies();
    }

    /** Logs in with the admin token through the login form. */
    protected void logInAsAdmin() {
        open("/ui/login");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        clickAndWait(By.cssSelector("#login button[type=submit]"));
    }

    protected void resize(int width) {
        browser.manage().window().setSize(new Dimension(width, 900));
    }

    /**
     * Saves the whole page at {@code width} pixels as docs/screenshots/{@code name}.png: the window is
     * made as tall as the page (at most 4,000 px), so one image shows it all.
     */
    protected void screenshot(String name, int width) {
        resize(width);
        long height = Math.min(4000, ((Number) js("return Math.ceil(document.documentElement.scrollHeight)")).longValue());
        long chrome = ((Number) js("return window.outerHeight - window.innerHeight")).longValue();
        browser.manage().window().setSize(new Dimension(width, (int) (height + chrome)));
        js("window.dispatchEvent(new Event('resize'))");
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            resize(DESKTOP_WIDTH);
        }
    }
}

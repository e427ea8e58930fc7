package io.accrue.console.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from the system (Debian packages {@code chromium} and {@code chromium-driver}), driven by
 * Selenium without Selenium Manager: nothing is downloaded. Missing browser → the tests are skipped with one line
 * saying what to install (or fail, when {@code ACCRUE_BROWSER_TESTS_REQUIRED=true}).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));

    final WebDriver driver;
    private final Path profile;

    /** Set (as .ci/run does) to make a missing browser fail the build instead of skipping the browser tests. */
    static final boolean REQUIRED = "true".equals(System.getenv("ACCRUE_BROWSER_TESTS_REQUIRED"));

    /** Null when Chromium and chromedriver are both there, else the one line that says what is missing. */
    static String missing() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return null;
        }
        return "console browser tests skipped: no " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
                + " (install the Debian packages chromium and chromium-driver)";
    }

    /**
     * Skips the calling test class, with one line on screen, when the browser is missing (a fresh machine that
     * has only what the README lists); fails instead when {@link #REQUIRED}.
     */
    static void assumeInstalled() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if (REQUIRED) {
            throw new IllegalStateException(missing.replace("skipped", "cannot run"));
        }
        System.err.println(missing);
        org.junit.jupiter.api.Assumptions.abort(missing);
    }

    Browser() throws IOException {
        assumeInstalled();
        profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Signs in through the provider's login form and waits for the console to show who is signed in. */
    void signIn(String consoleUrl, String path, String username, String password) {
        driver.get(consoleUrl + "/signed-out");
        driver.manage().deleteAllCookies();
        driver.get(consoleUrl + path);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-as")));
    }

    /** Submits a form and waits until the browser has left the page (the post-redirect-get has landed). */
    void submit(org.openqa.selenium.WebElement button) {
        button.click();
        // stale once the next page replaced this one; Chromium may also answer "node does not belong to the
        // document" for the same reason
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            try {
                button.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                return e.getMessage() != null && e.getMessage().contains("does not belong to the document");
            }
        });
    }

    String open(String url) {
        driver.get(url);
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return document.readyState")));
        return driver.findElement(By.tagName("body")).getText();
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp folder
        }
    }
}

package org.infogap.labelling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.infogap.annotate.AnnotationStore;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The labelling page in a real browser: Debian's headless Chromium driven through its chromedriver, both at fixed
 * paths so that Selenium downloads nothing. Where they are missing or Chromium cannot start, the tests are skipped
 * and say why (`.ci/run` installs both).
 */
class LabellingPageBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("infogap.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("infogap.chromedriver", "/usr/bin/chromedriver"));

    @TempDir
    Path dir;
    PageFixture fixture;
    WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM.toString()
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER.toString() : null;
        if (missing != null) {
            skip(missing + " is not installed (Debian: apt-get install chromium chromium-driver)");
        }
        fixture = new PageFixture(dir, 6);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags keep Chromium off the network: this machine's is closed, and nothing outside the page is needed
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        try {
            browser = new ChromeDriver(service, options);
        } catch (WebDriverException e) {
            skip("Chromium did not start: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void skip(String why) {
        System.err.println("LabellingPageBrowserTest skipped: " + why);
        Assumptions.abort(why);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private void waitFor(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(condition);
    }

    private void keys(CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    /** Labels the pair on screen (CMI 0.5, SC 0.5, photograph) by keyboard and waits for the next one. */
    private String labelByKeyboard() {
        String key = text("pair-key");
        keys("3", "r", "z", "\n");
        waitFor(b -> text("status").equals("saved " + key) && !text("pair-key").equals(key));
        return key;
    }

    @Test
    void threeLabelsByKeyboardOneUndoneAndAfterAReloadTheOtherTwoAreInTheStore() throws Exception {
        browser.get(fixture.url() + "#token=" + PageFixture.ALICE);
        waitFor(b -> text("pair-key").startsWith("bbc:"));
        assertTrue(!browser.getCurrentUrl().contains(PageFixture.ALICE), "the token leaves the address bar");
        assertEquals("labelling as alice", text("who"));

        // the first pair's text holds markup: shown as text, never run
        assertEquals("bbc:bbc000", text("pair-key"));
        assertTrue(text("text").contains(PageFixture.HOSTILE), text("text"));
        assertNull(((JavascriptExecutor) browser).executeScript("return window.__pwned;"));
        assertTrue(browser.findElements(By.cssSelector("#text script, #text img")).isEmpty());
        assertTrue((Boolean) ((JavascriptExecutor) browser).executeScript(
                "const img = document.getElementById('image'); return img.complete && img.naturalWidth > 0;"),
                "the pair's image loads");

        // a snippet: select words of the text, press M
        ((JavascriptExecutor) browser).executeScript("""
                const node = document.getElementById('text').firstChild;
                const at = node.textContent.indexOf('red square');
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + 'red square'.length);
                const s = window.getSelection(); s.removeAllRanges(); s.addRange(range);""");
        keys("m");
        waitFor(b -> text("snippets").equals("red square"));
        if (System.getProperty("infogap.screenshot") != null) {
            keys("3", "r", "z");
            Files.write(Path.of(System.getProperty("infogap.screenshot")),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        }

        String first = labelByKeyboard();
        String second = labelByKeyboard();
        String third = labelByKeyboard();
        assertEquals(3, fixture.store.latestLabels("alice").size());
        keys("u");
        waitFor(b -> text("status").equals("undid the label of " + third));
        assertEquals(third, text("pair-key"));

        browser.navigate().refresh();
        waitFor(b -> text("pair-key").startsWith("bbc:"));
        assertEquals("labelling as alice", text("who"), "the session survives the reload");
        assertEquals(third, text("pair-key"), "the undone pair is the next to label");
        assertTrue(text("progress").startsWith("2 of 6 labelled"), text("progress"));

        // D shows the pairs where annotators disagree: bob labels the first pair otherwise, and it is listed
        fixture.store.label(fixture.pairs.get(0), "bob", CmiLevel.L1, ScLevel.NEG1, "Map", List.of());
        keys("d");
        waitFor(b -> text("pair-key").equals(first) && text("others").contains("bob: CMI 1, SC -1, Map"));
        assertTrue(text("progress").contains("order: list order"), text("progress"));

        Map<String, AnnotationStore.PageLabel> stored = fixture.store.latestLabels("alice");
        assertEquals(List.of(first, second), List.copyOf(stored.keySet()));
        for (AnnotationStore.PageLabel l : stored.values()) {
            assertEquals(CmiLevel.L05, l.cmi());
            assertEquals(ScLevel.POS05, l.sc());
            assertEquals("Photograph", l.imageType());
        }
        assertEquals(List.of("red square"), stored.get(first).snippets());
    }

    @Test
    void aWrongTokenIsRefusedAndNothingIsShown() {
        browser.get(fixture.url());
        waitFor(b -> b.findElement(By.id("token")).isDisplayed());
        browser.findElement(By.id("token")).sendKeys("not-a-token-at-all\n");
        waitFor(b -> !text("login-error").isEmpty());
        assertEquals("unknown token", text("login-error"));
        assertTrue(!browser.findElement(By.id("work")).isDisplayed());
    }
}

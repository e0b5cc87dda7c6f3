package org.sipcity.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.sipcity.it.console.Management.sip;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.HasAuthentication;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UsernameAndPassword;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The management console (HAL) shows the SIP subsystem's live figures: a headless Chromium logs in as a management
 * user the test creates (HTTP digest, answered through the DevTools protocol), opens Configuration, Subsystems, Sip,
 * View, and the connector the test added, and reads its open-connections figure, which must equal the connections
 * the test holds open. The page is saved as {@code target/console/console-sip-subsystem.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} (CI installs them); skipped with the reason without.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HalConsoleIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** A name HAL keeps as it is in its element ids. */
    private static final String CONNECTOR = "hal";
    private static final int CONNECTIONS = 3;
    private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "hal-console-it.war").addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @ArquillianResource
    ManagementClient managementClient;

    @Test
    void consoleShowsTheConnectorsOpenConnectionsAsTheTestOpenedThem() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + "); .ci/run installs them");
        Management management = new Management(managementClient.getControllerClient());
        String console = "http://" + managementClient.getMgmtAddress() + ":" + managementClient.getMgmtPort() + "/console/index.html";
        assertThat(InetAddress.getByName(managementClient.getMgmtAddress()).isLoopbackAddress()).isTrue();

        InetSocketAddress server = management.addTestConnector(CONNECTOR);
        ChromeDriver browser = null;
        try (TcpClients clients = TcpClients.open(server, CONNECTIONS);
             ManagementUser user = ManagementUser.create(Path.of(management.path("jboss.home.dir")))) {
            assertThat(management.awaitFigure(sip(CONNECTOR), "open-connections", open -> open == CONNECTIONS, PAGE_WAIT))
                    .isEqualTo(CONNECTIONS);
            browser = startChromium();
            // HAL's login is HTTP digest: the DevTools protocol answers each challenge with these credentials.
            ((HasAuthentication) browser).register(UsernameAndPassword.of(user.name(), user.password()));
            WebDriverWait wait = new WebDriverWait(browser, PAGE_WAIT);

            browser.get(console);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText("Configuration")));
            browser.get(console + "#configuration;path=configuration~subsystems!css~sip");
            click(wait, By.xpath("//li[@id='sip']//*[self::button or self::a][normalize-space()='View']"));
            // The model browser's tree: open the connector folder (unless HAL already did) and select ours.
            WebElement connectors = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("model-browser-root___connector")));
            if (connectors.getAttribute("class").contains("jstree-closed")) {
                click(wait, By.cssSelector("#model-browser-root___connector > i.jstree-ocl"));
            }
            click(wait, By.id("model-browser-root___connector___" + CONNECTOR + "_anchor"));
            By openConnections = By.id("model-browser-model-browser-root-connector-" + CONNECTOR + "-form-open-connections-readonly");
            WebElement figure = wait.until(ExpectedConditions.presenceOfElementLocated(openConnections));
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", figure);
            wait.until(ExpectedConditions.visibilityOf(figure));

            String shown = wait.ignoring(StaleElementReferenceException.class)
                    .until(driver -> driver.findElement(openConnections).getText().strip());
            assertThat(shown).isEqualTo(Integer.toString(CONNECTIONS));
            Path screenshot = Path.of("target", "console", "console-sip-subsystem.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            if (browser != null) {
                browser.quit();
            }
            management.removeTestConnector(CONNECTOR);
        }
    }

    /**
     * Clicks once the element is there and clickable. HAL re-renders its finder and tree as data arrives, which on a
     * loaded machine can replace an element between finding and clicking it: found again then.
     */
    private static void click(WebDriverWait wait, By locator) {
        wait.ignoring(StaleElementReferenceException.class).ignoring(ElementClickInterceptedException.class)
                .until(driver -> {
                    WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(driver);
                    if (element == null) {
                        return false;
                    }
                    element.click();
                    return true;
                });
    }

    /** Headless, no network of its own, a fresh profile: nothing of the machine's or a previous run's state. */
    private static ChromeDriver startChromium() throws java.io.IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(Path.of("target"), "chromium-profile"),
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        return new ChromeDriver(service, options);
    }
}

package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.TestServer.Account;
import dev.sluice.server.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real headless Chromium (Debian's, installed by {@code scripts/chromium.sh}): log in,
 * create a source and a consumer through the forms, watch rows arrive, redrive a dead letter. Screenshots
 * go to {@code target/console-screenshots}.
 */
class ConsoleIT
{
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static ChromeDriver browser;

    private final TestServer server = TestServer.get();
    private final SourcePostgres source = SourcePostgres.logical();

    @BeforeAll
    static void startBrowser()
            throws IOException, InterruptedException
    {
        Process install = new ProcessBuilder("bash", "scripts/chromium.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] paths = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ", -1);
        assertThat(install.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(install.exitValue()).as("scripts/chromium.sh installs Chromium").isZero();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(paths[0]);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage", "--window-size=1280,1100");
        // an explicit driver: nothing is downloaded
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(paths[1])).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser()
    {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aUserCreatesASourceAndAConsumerWatchesRowsArriveAndRedrivesADeadLetter()
            throws IOException
    {
        Account account = server.newAccount("console");
        String table = "console_orders_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key, label text)");
        source.execute(SourcePostgres.DATABASE, "create table " + table + "_log (line text)");

        logIn(account.token());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");

        // a source through its form: Sluice checks it, then shows its health and tables
        navigate(By.linkText("New source"));
        type("name", "orders-db");
        type("host", "127.0.0.1");
        type("port", Integer.toString(source.port()));
        type("database", SourcePostgres.DATABASE);
        type("username", SourcePostgres.REPLICATOR);
        type("password", SourcePostgres.REPLICATOR_PASSWORD);
        new Select(browser.findElement(By.name("sslMode"))).selectByValue("disable");
        submit();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("orders-db");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("public." + table)
                .contains("No primary key: messages have no key to keep in order");
        String sourcePage = browser.getCurrentUrl();

        // a bad filter shows the API's own message, and nothing is created
        browser.get(server.baseUrl() + "/console/consumers/new");
        type("name", "orders");
        type("tables", table);
        type("filter", "id = = 1");
        submit();
        assertThat(fieldError("filter")).isEqualTo(apiError(account, table, "id = = 1"));
        assertThat(server.request("GET", "/v1/consumers/orders", account.token(), null).status()).isEqualTo(404);
        screenshot("consumer-form-error");

        // the same form, corrected: a pull consumer that dead-letters a message after one delivery
        browser.findElement(By.name("filter")).clear();
        type("maxDeliver", "1");
        submit();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("orders");
        String consumerId = server.request("GET", "/v1/consumers/orders", account.token(), null).json().path("id").asText();
        String consumerPage = browser.getCurrentUrl();
        assertThat(consumerPage).endsWith("/console/consumers/" + consumerId);

        // the source page now warns that the consumer's updates will carry no old values
        browser.get(sourcePage);
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("REPLICA IDENTITY is default, not FULL")
                .contains("ALTER TABLE public." + table + " REPLICA IDENTITY FULL");
        screenshot("source");
        browser.get(consumerPage);

        // one row, delivered once and handed back: the consumer dead-letters it on the next receive
        source.execute(SourcePostgres.DATABASE, "insert into " + table + " values (1, 'first')");
        await().atMost(Duration.ofSeconds(60)).until(() -> field("backlog").equals("1"));
        JsonNode received = server.request("POST", "/v1/consumers/orders/receive", account.token(), "{\"batch_size\":10,\"wait_seconds\":5}").json();
        assertThat(received.path("data")).hasSize(1);
        server.request("POST", "/v1/consumers/orders/nack", account.token(),
                "{\"ack_ids\":[\"" + received.path("data").get(0).path("ack_id").asText() + "\"]}");
        assertThat(server.request("POST", "/v1/consumers/orders/receive", account.token(), "{\"batch_size\":10}").json().path("data")).isEmpty();

        // more rows: the backlog and the chart move without reloading the page
        for (int id = 2; id <= 4; id++) {
            source.execute(SourcePostgres.DATABASE, "insert into " + table + " values (" + id + ", 'next')");
        }
        source.execute(SourcePostgres.DATABASE, "insert into " + table + " values (5, '<b>bold</b>')");
        await().atMost(Duration.ofSeconds(60)).until(() -> field("backlog").equals("4") && field("dead-letters").equals("1"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(attribute("throughput", "data-total-stored")) >= 5);
        assertThat(browser.findElements(By.cssSelector("#throughput canvas"))).isNotEmpty();
        // the panels are swapped in by polling: each is found and read again when a swap lands between the two
        assertThat(text("dead-letters")).contains("not acknowledged after 1 deliveries").contains("first");
        assertThat(text("peek")).as("row values are shown as text, never as markup").contains("next").contains("<b>bold</b>");
        screenshot("consumer");

        retrying(() -> {
            navigate(By.cssSelector("#dead-letters button.redrive"));
            return true;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> field("dead-letters").equals("0") && field("backlog").equals("5"));
        JsonNode redriven = server.request("POST", "/v1/consumers/orders/receive", account.token(), "{\"batch_size\":10}").json().path("data");
        assertThat(redriven).hasSize(5);
        assertThat(redriven.get(0).path("record").path("label").asText()).as("a redriven message keeps its place first in its key's order").isEqualTo("first");
        screenshot("consumer-redriven");

        // pause from the console, through its form and CSRF token
        navigate(By.id("pause"));
        await().atMost(Duration.ofSeconds(10)).until(() -> field("status").equals("paused"));
        assertThat(server.request("GET", "/v1/consumers/orders", account.token(), null).json().path("status").asText()).isEqualTo("paused");
    }

    @Test
    void aFormPostWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing()
    {
        Account account = server.newAccount("csrf");
        String table = "csrf_items_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key)");
        String sourceId = server.request("POST", "/v1/sources", account.token(), source.sourceJson("db", "")).json().path("id").asText();
        String consumerId = server.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"items\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}]}").json().path("id").asText();

        logIn(account.token());
        Cookie session = browser.manage().getCookieNamed("sluice_console");
        assertThat(session.isHttpOnly()).isTrue();
        for (String body : List.of("", "csrf=forged")) {
            Reply refused = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/consumers/" + consumerId + "/pause"))
                    .header("Cookie", session.getName() + "=" + session.getValue())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("security token");
        }
        assertThat(server.request("GET", "/v1/consumers/items", account.token(), null).json().path("status").asText()).isEqualTo("active");

        // behind a TLS-terminating proxy the session cookie is marked Secure
        Reply proxied = postLogin(account.token(), loginForm(), "X-Forwarded-Proto", "https");
        assertThat(proxied.status()).isEqualTo(303);
        assertThat(proxied.response().headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
                assertThat(cookie).contains("HttpOnly").contains("Secure").contains("SameSite=Strict"));
        assertThat(session.isSecure()).as("over plain HTTP it is not").isFalse();

        // another account's consumer is not found, as in the API
        Account other = server.newAccount("other");
        logIn(other.token());
        browser.get(server.baseUrl() + "/console/consumers/" + consumerId);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");

        // logging out ends the session
        navigate(By.cssSelector("form.logout button"));
        browser.get(server.baseUrl() + "/console");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
    }

    @Test
    void loggingOutEndsTheSessionOnTheServerSoAReplayedCookieIsRefused()
    {
        Account account = server.newAccount("logout");
        logIn(account.token());
        Cookie session = browser.manage().getCookieNamed("sluice_console");
        assertThat(withCookie("/console", session).status()).as("the cookie opens the console while the session lasts").isEqualTo(200);

        navigate(By.cssSelector("form.logout button"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        Reply replayed = withCookie("/console", session);
        assertThat(replayed.status()).as("the same cookie after logging out").isEqualTo(303);
        assertThat(replayed.response().headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/console/login"));
        assertThat(withCookie("/console/consumers/new", session).status()).isEqualTo(303);
    }

    @Test
    void theLoginFormTakesNoPostFromAnotherSiteAndNoneWithoutItsToken()
    {
        Account account = server.newAccount("loginx");
        LoginForm form = loginForm();
        Reply crossSite = postLogin(account.token(), form, "Origin", "http://evil.example");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.response().headers().allValues("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("sluice_console="));
        Reply crossSiteReferer = postLogin(account.token(), form, "Referer", "https://evil.example/login.html");
        assertThat(crossSiteReferer.status()).isEqualTo(403);
        Reply opaque = postLogin(account.token(), form, "Origin", "null");
        assertThat(opaque.status()).isEqualTo(403);

        Reply withoutToken = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + account.token())).build());
        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(withoutToken.body()).contains("This login form expired or was not sent from this page");
        assertThat(withoutToken.response().headers().allValues("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("sluice_console="));
        Reply forged = postLogin(account.token(), new LoginForm("forged", form.cookie()));
        assertThat(forged.status()).isEqualTo(403);

        Reply sameSite = postLogin(account.token(), form, "Origin", server.baseUrl());
        assertThat(sameSite.status()).isEqualTo(303);
        assertThat(sameSite.response().headers().allValues("Set-Cookie")).anyMatch(cookie -> cookie.startsWith("sluice_console=") && cookie.contains("HttpOnly"));

        // a console form posted from another site is refused too, before its CSRF token is even looked at
        logIn(account.token());
        Cookie session = browser.manage().getCookieNamed("sluice_console");
        Reply crossSiteForm = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/logout"))
                .header("Cookie", session.getName() + "=" + session.getValue()).header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("csrf=x")).build());
        assertThat(crossSiteForm.status()).isEqualTo(403);
        assertThat(withCookie("/console", session).status()).isEqualTo(200);
    }

    @Test
    void aTokenThatMaySeeNoPageIsRefusedAtLoginWithTheReason()
    {
        Account account = server.newAccount("consumeonly");
        String consumeOnly = server.request("POST", "/v1/tokens", account.token(), "{\"name\":\"worker\",\"scopes\":[\"consume\"]}").json().path("secret").asText();
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/login");
        type("token", consumeOnly);
        submit();
        assertThat(browser.findElement(By.cssSelector("p.error")).getText())
                .isEqualTo("This token's scopes (consume) let it see no page of the console: log in with a token that has the read or manage scope.");
        assertThat(browser.manage().getCookieNamed("sluice_console")).isNull();
    }

    @Test
    void endpointsSourcesAndConsumersAreEditedThroughTheirForms()
    {
        Account account = server.newAccount("edit");
        String table = "edited_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key)");
        server.request("POST", "/v1/sources", account.token(), source.sourceJson("db", ""));
        logIn(account.token());

        browser.get(server.baseUrl() + "/console/endpoints/new");
        type("name", "hooks");
        type("url", "https://hooks.example.com/in");
        type("headers", "X-Team: data");
        type("signingSecret", "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw==");
        submit();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Overview");
        navigate(By.linkText("Edit"));
        assertThat(browser.findElement(By.name("signingSecret")).getAttribute("value")).as("secrets are never shown").isEmpty();
        type("url", "http://127.0.0.1:9/private");
        submit();
        assertThat(fieldError("url")).startsWith("points at a private address");
        type("url", "https://hooks.example.com/v2");
        submit();
        JsonNode endpoint = server.request("GET", "/v1/http-endpoints/hooks", account.token(), null).json();
        assertThat(endpoint.path("url").asText()).isEqualTo("https://hooks.example.com/v2");
        assertThat(endpoint.path("headers").path("X-Team").asText()).isEqualTo("data");
        assertThat(endpoint.path("has_signing_secret").asBoolean()).as("an empty secret field keeps the secret").isTrue();

        browser.get(server.baseUrl() + "/console/consumers/new");
        type("name", "pushed");
        browser.findElement(By.cssSelector("input[name=kind][value=push]")).click();
        new Select(browser.findElement(By.name("endpoint"))).selectByVisibleText("hooks (https://hooks.example.com/v2)");
        type("tables", table);
        submit();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("pushed");
        navigate(By.linkText("Edit"));
        type("maxDeliver", "3");
        type("filter", "id > 10");
        submit();
        JsonNode consumer = server.request("GET", "/v1/consumers/pushed", account.token(), null).json();
        assertThat(consumer.path("kind").asText()).isEqualTo("push");
        assertThat(consumer.path("max_deliver").asInt()).isEqualTo(3);
        assertThat(consumer.path("filter").asText()).isEqualTo("id > 10");

        browser.get(server.baseUrl() + "/console/sources/db/edit");
        type("name", "renamed-db");
        submit();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("renamed-db");
        assertThat(server.request("GET", "/v1/sources/renamed-db", account.token(), null).status()).isEqualTo(200);
    }

    @Test
    void everyFormRefusesWhatTheApiRefusesAndShowsEveryErrorAtItsField()
    {
        Account account = server.newAccount("valid");
        String table = "valid_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key)");
        server.request("POST", "/v1/sources", account.token(), source.sourceJson("db", ""));
        logIn(account.token());

        // names the API refuses with 422, each form with several wrong fields at once
        browser.get(server.baseUrl() + "/console/sources/new");
        type("name", "bad source!");
        type("host", "127.0.0.1");
        type("port", "70000");
        type("database", SourcePostgres.DATABASE);
        type("username", SourcePostgres.REPLICATOR);
        type("password", SourcePostgres.REPLICATOR_PASSWORD);
        submit();
        assertThat(fieldError("name")).startsWith("must match");
        assertThat(fieldError("port")).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isEqualTo("Correct the 2 fields marked below.");
        assertThat(server.request("POST", "/v1/sources", account.token(), "{\"name\":\"bad source!\",\"host\":\"h\",\"database\":\"d\",\"username\":\"u\",\"password\":\"p\"}")
                .status()).as("the API refuses it too").isEqualTo(422);

        browser.get(server.baseUrl() + "/console/endpoints/new");
        type("name", "<b>ep bold</b>\"'&");
        type("url", "ftp://hooks.example.com/in");
        type("headers", "no colon here");
        type("signingSecret", "short");
        submit();
        assertThat(fieldError("name")).startsWith("must match");
        assertThat(fieldError("url")).isNotEmpty();
        assertThat(fieldError("headers")).isEqualTo("line 1 must read 'Name: value'");
        assertThat(fieldError("signingSecret")).isNotEmpty();
        assertThat(browser.findElement(By.name("name")).getAttribute("value")).as("the form keeps what was typed").isEqualTo("<b>ep bold</b>\"'&");

        browser.get(server.baseUrl() + "/console/consumers/new");
        type("name", "con with space/slash");
        type("tables", table);
        type("batchSize", "0");
        type("maxDeliver", "many");
        browser.findElements(By.name("actions")).forEach(box -> {
            if (box.isSelected()) {
                box.click();
            }
        });
        submit();
        assertThat(fieldError("name")).startsWith("must match");
        assertThat(fieldError("batchSize")).isNotEmpty();
        assertThat(fieldError("maxDeliver")).isEqualTo("must be a whole number");
        assertThat(fieldError("actions")).isEqualTo("choose at least one action");
        assertThat(browser.findElement(By.name("transform")).getAttribute("placeholder")).startsWith("function transform(action, record, changes, metadata)");

        JsonNode everything = server.request("GET", "/v1/sources", account.token(), null).json().path("data");
        assertThat(everything).hasSize(1);
        assertThat(server.request("GET", "/v1/http-endpoints", account.token(), null).json().path("data")).isEmpty();
        assertThat(server.request("GET", "/v1/consumers", account.token(), null).json().path("data")).isEmpty();
    }

    @Test
    void deadLettersArePagedAndDiscardingThemAsksFirstNamingHowMany()
            throws IOException
    {
        Account account = server.newAccount("dead");
        String table = "dead_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key)");
        String sourceId = server.request("POST", "/v1/sources", account.token(), source.sourceJson("db", "")).json().path("id").asText();
        String consumerId = server.request("POST", "/v1/consumers", account.token(), "{\"name\":\"poisoned\",\"source_id\":\"" + sourceId
                + "\",\"kind\":\"pull\",\"max_deliver\":1,\"tables\":[{\"table\":\"" + table + "\"}]}").json().path("id").asText();
        source.execute(SourcePostgres.DATABASE, "insert into " + table + " select generate_series(1, 12)");
        await().atMost(Duration.ofSeconds(60)).until(() -> server.request("GET", "/v1/consumers/poisoned/status", account.token(), null).json().path("backlog").asLong() == 12);
        JsonNode received = server.request("POST", "/v1/consumers/poisoned/receive", account.token(), "{\"batch_size\":12}").json().path("data");
        assertThat(received).hasSize(12);
        List<String> ackIds = new ArrayList<>();
        received.forEach(message -> ackIds.add("\"" + message.path("ack_id").asText() + "\""));
        server.request("POST", "/v1/consumers/poisoned/nack", account.token(), "{\"ack_ids\":[" + String.join(",", ackIds) + "]}");
        server.request("POST", "/v1/consumers/poisoned/receive", account.token(), "{\"batch_size\":12}");
        assertThat(server.request("GET", "/v1/consumers/poisoned/status", account.token(), null).json().path("dead_letters").asLong()).isEqualTo(12);

        logIn(account.token());
        assertThat(browser.findElement(By.cssSelector("[data-consumer-health=poisoned]")).getText()).isEqualTo("12 dead letters");
        assertThat(browser.findElement(By.cssSelector("[data-consumer-health=poisoned]")).getAttribute("class")).contains("bad");

        browser.get(server.baseUrl() + "/console/consumers/" + consumerId);
        screenshot("dead-letters");
        assertThat(field("health")).isEqualTo("12 dead letters");
        assertThat(browser.findElements(By.cssSelector("[data-field=empty]"))).as(browser.findElement(By.tagName("main")).getText()).hasSize(1);
        assertThat(field("empty")).isEqualTo("No message waits for delivery; 12 did not succeed and are in the dead letters above.");
        assertThat(browser.findElements(By.cssSelector("#dead-letters tbody tr"))).hasSize(10);
        navigate(By.id("dead-letters-next"));
        assertThat(retrying(() -> browser.findElements(By.cssSelector("#dead-letters tbody tr")).size())).isEqualTo(2);
        navigate(By.linkText("First page"));

        // one click does not discard: the browser asks first, naming how many, and "cancel" keeps them
        retrying(() -> {
            browser.findElement(By.id("discard-all")).click();
            return true;
        });
        Alert confirm = new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).isEqualTo("Discard all 12 dead letters of poisoned? They are deleted for good and can no longer be redriven.");
        confirm.dismiss();
        assertThat(server.request("GET", "/v1/consumers/poisoned/status", account.token(), null).json().path("dead_letters").asLong()).isEqualTo(12);

        retrying(() -> {
            browser.findElement(By.cssSelector("#dead-letters button.discard")).click();
            return true;
        });
        confirm = new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).startsWith("Discard dead letter #").contains("It is deleted for good");
        confirm.accept();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.request("GET", "/v1/consumers/poisoned/status", account.token(), null).json().path("dead_letters").asLong() == 11);
    }

    @Test
    void aReadOnlyTokenSeesThePagesButIsOfferedNoAction()
    {
        Account account = server.newAccount("reader");
        String table = "read_" + UUID.randomUUID().toString().substring(0, 6);
        source.execute(SourcePostgres.DATABASE, "create table " + table + " (id int primary key)");
        String sourceId = server.request("POST", "/v1/sources", account.token(), source.sourceJson("db", "")).json().path("id").asText();
        String consumerId = server.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"watched\",\"source_id\":\"" + sourceId + "\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}]}").json().path("id").asText();
        server.request("POST", "/v1/http-endpoints", account.token(), "{\"name\":\"hooks\",\"url\":\"https://hooks.example.com/in\"}");
        String readToken = server.request("POST", "/v1/tokens", account.token(), "{\"name\":\"viewer\",\"scopes\":[\"read\"]}").json().path("secret").asText();

        logIn(readToken);
        String overview = browser.findElement(By.tagName("main")).getText();
        assertThat(overview).contains("watched").contains("hooks").doesNotContain("New source").doesNotContain("New consumer").doesNotContain("Edit");
        assertThat(browser.findElement(By.tagName("header")).getText()).doesNotContain("New endpoint");
        browser.get(server.baseUrl() + "/console/consumers/" + consumerId);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("watched");
        assertThat(browser.findElements(By.cssSelector("main form"))).as("no button a read token may not use").isEmpty();
        browser.get(server.baseUrl() + "/console/sources/" + sourceId);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("db");
        assertThat(browser.findElements(By.linkText("Edit"))).isEmpty();
    }

    @Test
    void anEndpointCreatedWithoutASecretShowsTheGeneratedOneOnceAndARotationAnother()
    {
        Account account = server.newAccount("secret");
        logIn(account.token());
        browser.get(server.baseUrl() + "/console/endpoints/new");
        type("name", "signed");
        type("url", "https://hooks.example.com/in");
        submit();
        String first = browser.findElement(By.id("signing-secret")).getText();
        assertThat(first).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(server.request("GET", "/v1/http-endpoints/signed", account.token(), null).body()).doesNotContain(first.substring(6));

        navigate(By.linkText("Done"));
        navigate(By.linkText("Edit"));
        retrying(() -> {
            browser.findElement(By.name("rotate")).click();
            return true;
        });
        Alert confirm = new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains("the current one keeps signing for 24 hours");
        confirm.accept();
        String second = new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> driver.findElements(By.id("signing-secret")).stream()
                .map(WebElement::getText).findFirst().orElse(null));
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
    }

    @Test
    void aWrongTokenIsRefusedAtLogin()
    {
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/login");
        type("token", "slc_not-a-real-token");
        submit();
        assertThat(browser.findElement(By.cssSelector("p.error")).getText()).isEqualTo("the API token is unknown or revoked");
        browser.get(server.baseUrl() + "/console");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
    }

    private void logIn(String token)
    {
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        type("token", token);
        submit();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/console"));
    }

    /** The login page's form token and the cookie that carries it, as a browser would hold them. */
    private LoginForm loginForm()
    {
        Reply page = server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/login")).GET().build());
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        String cookie = page.response().headers().allValues("Set-Cookie").stream().filter(value -> value.startsWith("sluice_login="))
                .map(value -> value.substring(0, value.indexOf(';'))).findFirst().orElseThrow();
        return new LoginForm(csrf.group(1), cookie);
    }

    private Reply postLogin(String token, LoginForm form, String... headers)
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", form.cookie())
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + form.csrf() + "&token=" + token));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return server.send(request.build());
    }

    private Reply withCookie(String path, Cookie cookie)
    {
        return server.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).header("Cookie", cookie.getName() + "=" + cookie.getValue()).GET().build());
    }

    private record LoginForm(String csrf, String cookie) {}

    private String apiError(Account account, String table, String filter)
    {
        Reply reply = server.request("POST", "/v1/consumers", account.token(),
                "{\"name\":\"orders\",\"source_id\":\"orders-db\",\"kind\":\"pull\",\"tables\":[{\"table\":\"" + table + "\"}],\"filter\":\"" + filter + "\"}");
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.json().path("field").asText()).isEqualTo("filter");
        return reply.json().path("errors").get(0).path("message").asText();
    }

    /** The error shown at a form field. */
    private static String fieldError(String field)
    {
        return browser.findElement(By.cssSelector(".field-error[data-for=" + field + "]")).getText();
    }

    private static void type(String name, String text)
    {
        WebElement field = browser.findElement(By.name(name));
        field.clear();
        field.sendKeys(text);
    }

    private static void submit()
    {
        navigate(By.cssSelector("main form button[type=submit]"));
    }

    /** Clicks what loads another page, and waits until the page it was on is gone: reading too early finds the old page. */
    private static void navigate(By target)
    {
        WebElement page = browser.findElement(By.tagName("html"));
        browser.findElement(target).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> isGone(page));
    }

    /** Whether the element's document was replaced; the browser says so either as a stale element or, mid-navigation, as a node of another document. */
    private static boolean isGone(WebElement element)
    {
        try {
            element.isEnabled();
            return false;
        }
        catch (StaleElementReferenceException e) {
            return true;
        }
        catch (WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /** A value the live part of the page shows; it is replaced every few seconds, so read it afresh. */
    private static String field(String name)
    {
        return retrying(() -> browser.findElement(By.cssSelector("[data-field=" + name + "]")).getText().strip());
    }

    private static String text(String id)
    {
        return retrying(() -> browser.findElement(By.id(id)).getText());
    }

    private static String attribute(String id, String attribute)
    {
        String value = retrying(() -> browser.findElement(By.id(id)).getAttribute(attribute));
        return value == null ? "0" : value;
    }

    private static <T> T retrying(Supplier<T> action)
    {
        for (int attempt = 0; ; attempt++) {
            try {
                return action.get();
            }
            catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static void screenshot(String name)
            throws IOException
    {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}

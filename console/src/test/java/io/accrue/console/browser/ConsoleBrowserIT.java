package io.accrue.console.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The console in a real browser against the local stack: each role signs in through the provider's login form and
 * sees exactly its tabs and its organisation; another organisation's pages answer 404 and never show its data.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static Browser browser;
    static String console;

    /** Tabs only owners, billing admins and platform operators see. */
    static final List<String> MANAGER_TABS = List.of("nav-end-users", "nav-rate-plans", "nav-contracts",
            "nav-revenue", "nav-contacts", "nav-webhooks", "nav-api-keys", "nav-payment-methods");
    static final Map<String, String> PAGES = Map.ofEntries(Map.entry("overview", "/"),
            Map.entry("usage", "/usage"),
            Map.entry("invoices", "/invoices"),
            Map.entry("end-users", "/end-users"),
            Map.entry("rate-plans", "/rate-plans"),
            Map.entry("contracts", "/contracts"),
            Map.entry("revenue", "/revenue"),
            Map.entry("contacts", "/contacts"),
            Map.entry("payment-methods", "/payment-methods"),
            Map.entry("budgets", "/budgets"),
            Map.entry("webhooks", "/webhooks"),
            Map.entry("mails", "/mails"));

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled(); // skips (one line) before starting the stack when Chromium is missing
        browser = new Browser();
        console = ConsoleStack.consoleUrl();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(0)
    void everyPageCarriesSecurityHeaders() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/signed-out", "/static/console.css")) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(console + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            var headers = response.headers();
            org.junit.jupiter.api.Assertions.assertTrue(headers.firstValue("Content-Security-Policy").orElse("")
                    .contains("default-src 'none'"), path + ": " + headers.map());
            org.junit.jupiter.api.Assertions.assertEquals("nosniff",
                    headers.firstValue("X-Content-Type-Options").orElse(null), path);
            org.junit.jupiter.api.Assertions.assertTrue(
                    headers.firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="), path);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void memberSeesOwnOrganisationReadOnlyAndNeverAnother() throws Exception {
        browser.signIn(console, "/", "carol@acme", "carol");
        String overview = browser.open(console + "/");
        browser.screenshot("member-overview");
        assertTrue(overview.contains("carol@acme"), overview);
        assertEquals("acme", text("current-org").replace("Organisation: ", "").split(" ")[0]);
        assertTrue(present("nav-usage") && present("nav-invoices"));
        for (String tab : MANAGER_TABS) {
            assertFalse(present(tab), "a member must not see " + tab);
        }
        assertFalse(present("manage-billing"), "a member cannot open Checkout or the portal");

        String usage = browser.open(console + "/usage");
        browser.screenshot("member-usage");
        assertTrue(usage.contains("Usage"));
        String invoices = browser.open(console + "/invoices");
        browser.screenshot("member-invoices");
        assertFalse(present("billing-export"), "exports are for owners and billing admins");
        assertTrue(present("invoice-list") || present("no-invoices") || invoices.contains("("), invoices);

        // the manager pages refuse a member outright
        String endUsers = browser.open(console + "/end-users");
        assertTrue(endUsers.contains("Forbidden") && endUsers.contains("403"), endUsers);

        // another organisation: 404, and nothing of it on the page
        for (String path : List.of("/?org=globex", "/usage?org=globex", "/invoices?org=globex")) {
            String page = browser.open(console + path);
            assertTrue(page.contains("Not Found") && page.contains("404"), path + ": " + page);
            assertFalse(page.toLowerCase().contains("globex labs"), path);
        }
        browser.screenshot("member-other-organisation");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void ownerOfTheOtherOrganisationSeesOnlyItsOwn() throws Exception {
        browser.signIn(console, "/", "erin@globex", "erin");
        String overview = browser.open(console + "/");
        browser.screenshot("owner-globex-overview");
        assertTrue(text("current-org").contains("globex"));
        assertTrue(overview.contains("Globex Labs"), "the account name comes from subscription-service");
        for (String tab : MANAGER_TABS) {
            assertTrue(present(tab), "an owner sees " + tab);
        }
        for (String path : PAGES.values()) {
            String page = browser.open(console + path);
            assertFalse(page.contains("Acme AI") || page.contains("acme"), path + " shows acme to globex: " + page);
        }
        String other = browser.open(console + "/invoices?org=acme");
        assertTrue(other.contains("404"), other);
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void billingAdminOpensEveryPage() throws Exception {
        browser.signIn(console, "/", "bob@acme", "bob");
        for (var page : PAGES.entrySet()) {
            String body = browser.open(console + page.getValue());
            browser.screenshot("billing-admin-" + page.getKey());
            assertTrue(present("signed-in-as"), page.getKey() + " did not render: " + body);
            assertFalse(body.contains("Globex"), page.getKey());
            assertFalse(body.contains("NOT_FOUND") || body.contains("Internal Server Error"), page.getKey() + ": "
                    + body);
        }
        browser.open(console + "/");
        assertTrue(present("manage-billing"), "a billing admin manages billing");
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void operatorPicksAnOrganisation() throws Exception {
        browser.signIn(console, "/", "operator", "operator");
        String picker = browser.open(console + "/");
        browser.screenshot("operator-pick-organisation");
        assertTrue(picker.contains("Pick an organisation"), picker);
        assertTrue(picker.contains("acme") && picker.contains("globex"), "the operator sees every account");
        assertTrue(browser.driver.findElement(By.id("accounts")).getText().contains("active"),
                "each account with its subscription's status: " + picker);
        // the billed-through ledger beside each account: nothing has ended unbilled yet on a fresh stack
        assertEquals("none", browser.driver.findElement(By.cssSelector("#accounts td.unbilled[data-org='acme']"))
                .getText(), picker);
        browser.open(console + "/?org=globex");
        assertTrue(text("current-org").contains("globex"));
        browser.open(console + "/invoices?org=acme");
        browser.screenshot("operator-acme-invoices");
        assertTrue(text("current-org").contains("acme"));
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void billingAdminPreviewsAPlanChangeCancelsAndReactivates() throws Exception {
        String operator = ConsoleStack.token("operator", null, "platform-operator");
        UsageSeed.post("subscription-service", "/v1/plans", operator, """
                {"slug":"console-team","name":"Console Team","tier":"pro","billingModel":"tiered","interval":"month",
                 "basePrices":{"USD":"99.00","EUR":"89.00"},"allowances":{"llm_tokens":1000000},
                 "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"unitAmount":"0.50"}]}],
                 "entitlements":{"features":["sso"],"limits":{"agent_sessions":500},"config":{"max-seats":"25"}}}""");
        browser.signIn(console, "/", "bob@acme", "bob");
        browser.open(console + "/");
        browser.screenshot("billing-admin-overview-subscription");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("change-plan")))
                .selectByValue("console-team");
        browser.submit(browser.driver.findElement(By.id("preview-plan-change")));
        String preview = browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("billing-admin-plan-change-preview");
        assertTrue(present("plan-change-preview"), preview);
        assertEquals("now", text("preview-effective"), "an upgrade takes effect now");
        assertTrue(text("preview-proration").startsWith("$"), "prorated in the account's currency: " + preview);
        assertTrue(present("confirm-plan-change"), preview);
        // previewing changes nothing
        assertTrue(browser.open(console + "/").toLowerCase().contains("free"), "still on the free plan");
        // confirmed, the change is made (so the period closed below invoices its prorated base fee)
        browser.open(console + "/subscription/plan-change?planSlug=console-team");
        browser.submit(browser.driver.findElement(By.id("confirm-plan-change")));
        String changed = browser.open(browser.driver.getCurrentUrl());
        assertEquals("Console Team", text("plan-card").split("\n")[1], changed);
        // the new plan's entitlements, once usage-service's account-status cache (30 s) has seen the change
        org.awaitility.Awaitility.await("the Console Team plan's entitlements on the overview")
                .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofSeconds(2))
                .pollInSameThread().until(() -> browser.open(console + "/").contains("max-seats"));
        browser.screenshot("billing-admin-overview-entitlements");
        String included = text("entitlement-list");
        assertTrue(included.contains("sso") && included.contains("500") && included.contains("25"), included);
        assertEquals("Models included: every model in the catalog.", text("entitled-models"));
        assertTrue(included.matches("(?s).*agent_sessions.*500.*used, [0-9,]+ left.*"),
                "this period's agent sessions: " + included);

        browser.submit(browser.driver.findElement(By.id("cancel-subscription")));
        String canceling = browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("billing-admin-subscription-canceling");
        assertTrue(canceling.contains("Cancels at the end of the period") && present("reactivate"), canceling);
        browser.submit(browser.driver.findElement(By.id("reactivate")));
        String kept = browser.open(browser.driver.getCurrentUrl());
        assertFalse(kept.contains("Cancels at the end of the period"), kept);
        assertTrue(present("cancel-subscription"), kept);

        // globex (EUR) is offered the same plan in euros, never the dollar price
        browser.signIn(console, "/", "dave@globex", "dave");
        String globex = browser.open(console + "/");
        assertTrue(globex.contains("€89.00"), "the plan in euros: " + globex);
        assertFalse(globex.contains("$99.00"), "an EUR organisation sees no dollar price: " + globex);
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void billingAdminSetsABudgetAndSeesItsAlerts() throws Exception {
        browser.signIn(console, "/budgets", "bob@acme", "bob");
        browser.open(console + "/budgets");
        var form = browser.driver.findElement(By.id("new-budget"));
        form.findElement(By.name("slug")).sendKeys("console-cost");
        form.findElement(By.name("name")).sendKeys("Console provider cost");
        form.findElement(By.name("amount")).sendKeys("100");
        browser.submit(form.findElement(By.id("save-budget")));
        String saved = browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("billing-admin-budgets");
        assertTrue(present("budget-list") && saved.contains("Console provider cost"), saved);
        assertTrue(saved.contains("$100.00"), "a money budget in the account's currency: " + saved);
        assertTrue(present("no-alerts") || present("alert-list"), saved);
        // alerts are billing events now: endpoints are registered with the other billing events, not here
        assertTrue(present("alerts-delivered-as-events") && !present("new-endpoint"), saved);

        browser.signIn(console, "/budgets", "carol@acme", "carol");
        String member = browser.open(console + "/budgets");
        browser.screenshot("member-budgets");
        assertTrue(member.contains("Console provider cost"), "members read budgets: " + member);
        assertFalse(present("new-budget"), "members change nothing here");
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void billingAdminCreatesAndChangesARatePlan() throws Exception {
        browser.signIn(console, "/rate-plans", "bob@acme", "bob");
        browser.open(console + "/rate-plans");
        var form = browser.driver.findElement(By.id("new-rate-plan"));
        form.findElement(By.name("slug")).sendKeys("console-pro");
        form.findElement(By.name("name")).sendKeys("Console Pro");
        form.findElement(By.name("markupPercent")).sendKeys("20");
        browser.submit(form.findElement(By.id("create-rate-plan")));
        String saved = browser.open(browser.driver.getCurrentUrl());
        assertTrue(present("saved"), saved);
        var plan = browser.driver.findElement(By.cssSelector("form[data-rate-plan='console-pro']"));
        var markup = plan.findElement(By.name("markupPercent"));
        markup.clear();
        markup.sendKeys("35");
        plan.findElement(By.name("monthlyTokenLimit")).sendKeys("500000");
        browser.submit(plan.findElement(By.className("save-rate-plan")));
        browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("billing-admin-rate-plan-changed");
        plan = browser.driver.findElement(By.cssSelector("form[data-rate-plan='console-pro']"));
        assertEquals(0, new java.math.BigDecimal("35").compareTo(
                new java.math.BigDecimal(plan.findElement(By.name("markupPercent")).getAttribute("value"))));
        assertEquals("500000", plan.findElement(By.name("monthlyTokenLimit")).getAttribute("value"));

        // a refused change shows the service's problem details, and nothing changes
        plan.findElement(By.name("markupPercent")).clear();
        plan.findElement(By.name("markupPercent")).sendKeys("-5");
        browser.submit(plan.findElement(By.className("save-rate-plan")));
        String refused = browser.open(browser.driver.getCurrentUrl());
        assertTrue(present("flash") && refused.contains("422"), refused);
        plan = browser.driver.findElement(By.cssSelector("form[data-rate-plan='console-pro']"));
        assertEquals(0, new java.math.BigDecimal("35").compareTo(
                new java.math.BigDecimal(plan.findElement(By.name("markupPercent")).getAttribute("value"))));
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void billingAdminBlocksAnEndUserThatTheOtherOrganisationNeverSees() throws Exception {
        UsageSeed.event("acme", "u-console-1");
        browser.signIn(console, "/end-users", "bob@acme", "bob");
        browser.open(console + "/end-users");
        var row = browser.driver.findElement(By.cssSelector("tr[data-end-user='u-console-1']"));
        assertEquals("active", row.findElement(By.className("end-user-status")).getText());
        browser.submit(row.findElement(By.className("block")));
        browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("billing-admin-end-user-blocked");
        row = browser.driver.findElement(By.cssSelector("tr[data-end-user='u-console-1']"));
        assertTrue(row.findElement(By.className("end-user-status")).getText().startsWith("blocked"));

        // the live event shows in live usage (per end user and per model), never in test
        String live = browser.open(console + "/usage?environment=live");
        browser.screenshot("billing-admin-usage-live");
        assertTrue(present("by-end-user") && live.contains("u-console-1"), live);
        assertTrue(present("by-model") && live.contains("gpt-4o"), live);
        assertTrue(text("total-tokens").equals("1,500"), live);
        String test = browser.open(console + "/usage?environment=test");
        assertFalse(test.contains("u-console-1"), test);
        assertEquals("0", text("total-tokens"));
        browser.open(console + "/revenue");
        browser.screenshot("billing-admin-revenue-with-usage");
        assertTrue(present("revenue-total") && present("cost-total") && present("margin-total"));

        String detail = browser.open(console + "/end-users/u-console-1");
        browser.screenshot("billing-admin-end-user");
        assertEquals("blocked", text("end-user-status"));
        // the end user's own days (1,500 tokens today) and its quota flags (none: its plan blocks, never flags)
        assertTrue(text("end-user-daily").contains("1,500"), detail);
        assertTrue(present("end-user-no-flags"), detail);
        browser.submit(browser.driver.findElement(By.id("unblock")));
        browser.open(browser.driver.getCurrentUrl());
        assertEquals("active", text("end-user-status"), detail);

        browser.signIn(console, "/end-users", "dave@globex", "dave");
        String globex = browser.open(console + "/end-users");
        assertFalse(globex.contains("u-console-1"), globex);
        String other = browser.open(console + "/end-users/u-console-1");
        assertFalse(present("end-user-status"), "globex cannot read acme's end user: " + other);
        assertFalse(browser.open(console + "/usage").contains("u-console-1"));
    }

    @Test
    @org.junit.jupiter.api.Order(8)
    void contractWithCommitmentUtilizationOnlyForItsOrganisation() throws Exception {
        String id = UsageSeed.activeContract("acme");
        browser.signIn(console, "/contracts", "alice@acme", "alice");
        String list = browser.open(console + "/contracts");
        browser.screenshot("owner-contracts");
        assertFalse(browser.driver.findElements(By.cssSelector("#contract-list a[href*='" + id + "']")).isEmpty(),
                list);
        assertTrue(list.contains("$12,000.00"), "listed by its commitment, not its UUID: " + list);
        assertTrue(present("contract-list") && list.contains("Utilization"), list);
        String detail = browser.open(console + "/contracts/" + id);
        browser.screenshot("owner-contract");
        assertEquals("active", text("contract-status"));
        assertTrue(present("utilization"), detail);
        assertTrue(detail.contains("$12,000.00"), "commitment in the contract currency: " + detail);
        assertTrue(detail.contains("$500.00"), "prepaid credits: " + detail);

        browser.signIn(console, "/contracts", "erin@globex", "erin");
        assertFalse(browser.open(console + "/contracts").contains(id));
        String other = browser.open(console + "/contracts/" + id);
        assertFalse(present("contract-status"), "globex cannot read acme's contract: " + other);
        assertTrue(other.contains("404"), other);
    }

    /** Last: moves the services' clocks past the period end and closes it, so a real invoice and PDF exist. */
    @Test
    @org.junit.jupiter.api.Order(9)
    void memberDownloadsTheInvoicePdfOfAClosedPeriod() throws Exception {
        String operator = ConsoleStack.token("operator", null, "platform-operator");
        java.time.Instant nextPeriod = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withDayOfMonth(1)
                .truncatedTo(java.time.temporal.ChronoUnit.DAYS).plusMonths(1).plusDays(1).toInstant();
        for (String service : List.of("subscription-service", "usage-service", "invoice-service",
                "contract-service")) {
            UsageSeed.post(service, "/v1/operator/clock", operator, "{\"setTo\":\"" + nextPeriod + "\"}");
        }
        UsageSeed.post("invoice-service", "/v1/billing-runs", operator, "{}");

        browser.signIn(console, "/invoices", "carol@acme", "carol");
        // the run closes the period in the background: the list shows the invoice once it is written
        org.awaitility.Awaitility.await("the closed period's invoice in the list")
                .atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofSeconds(2))
                .pollInSameThread().ignoreExceptions().until(() -> {
                    browser.open(console + "/invoices");
                    return present("invoice-list");
                });
        browser.screenshot("member-invoices-after-close");
        browser.submit(browser.driver.findElement(By.cssSelector("#invoice-list tbody a")));
        browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("member-invoice");
        assertTrue(present("invoice-total"));
        String href = browser.driver.findElement(By.id("invoice-pdf")).getAttribute("href");
        Object answer = ((JavascriptExecutor) browser.driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(async r => { const b = new Uint8Array(await r.arrayBuffer());"
                        + " done(r.status + ' ' + r.headers.get('content-type') + ' '"
                        + " + String.fromCharCode(b[0], b[1], b[2], b[3], b[4])); });",
                href);
        assertTrue(String.valueOf(answer).startsWith("200 application/pdf %PDF-"), String.valueOf(answer));
        // kept beside the screenshots, to be rendered (pdftoppm) and looked at like them (best effort: the checks
        // above are the test)
        keepPdf(href);

        assertFalse(present("credit-note"), "a member issues no credit notes");

        // the operator corrects it with a credit note; the invoice itself never changes
        browser.signIn(console, "/", "operator", "operator");
        browser.open(href.replace("/pdf", "") + "?org=acme");
        browser.screenshot("operator-invoice-actions");
        // the Stripe section shows the push as invoice-service reports it, with the resend beside it (the resend
        // itself is tested against the stateful stand-in in invoice-service: never a second Stripe invoice)
        assertTrue(present("stripe-push-section"), "the operator sees where the push to Stripe stands");
        assertTrue(java.util.Set.of("pending", "failed", "delivered")
                .contains(browser.driver.findElement(By.id("stripe-push-state")).getText()),
                browser.driver.findElement(By.id("stripe-push-state")).getText());
        assertTrue(present("resend-to-stripe"), "and can resend it");
        // the closed period owes nothing (total 0.00): it is paid as issued, and there is
        // nothing left to mark (billing-rules Invoices 11b)
        assertEquals("paid", text("invoice-status"), "an invoice with nothing owed is paid as issued");
        assertFalse(present("mark-invoice"), "a paid invoice offers no status change");
        browser.driver.findElement(By.name("reason")).sendKeys("goodwill, console test");
        browser.submit(browser.driver.findElement(By.id("credit-note")));
        String note = browser.open(browser.driver.getCurrentUrl());
        browser.screenshot("operator-credit-note");
        assertTrue(text("invoice-number").startsWith("CN-") && present("corrected-invoice"), note);

        browser.signIn(console, "/invoices", "erin@globex", "erin");
        String globex = browser.open(href.replace("/pdf", ""));
        assertTrue(globex.contains("404"), "globex cannot open acme's invoice: " + globex);
        closedInvoice = href.replace("/pdf", "");
    }

    /** The invoice of the closed period (set by the test above). */
    static String closedInvoice;

    /**
     * The resend button in view, then pressed: the console hands the push back to invoice-service, which resumes
     * from the Stripe ids it stored, so the page shows the same Stripe invoice (never a second one) and no error.
     */
    @Test
    @org.junit.jupiter.api.Order(10)
    void billingAdminResendsAnInvoiceToStripe() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(closedInvoice != null, "needs the closed period's invoice");
        browser.signIn(console, "/invoices", "bob@acme", "bob");
        browser.open(closedInvoice);
        var resend = browser.driver.findElement(By.id("resend-to-stripe"));
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                resend);
        browser.screenshot("billing-admin-invoice-resend-to-stripe");
        String before = present("stripe-invoice-id") ? text("stripe-invoice-id") : null;
        browser.submit(resend);
        String after = browser.open(browser.driver.getCurrentUrl());
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                browser.driver.findElement(By.id("stripe-push-section")));
        browser.screenshot("billing-admin-invoice-resent-to-stripe");
        assertFalse(after.contains("Internal Server Error") || present("flash"), after);
        assertTrue(java.util.Set.of("pending", "delivered").contains(text("stripe-push-state")), after);
        if (before != null) {
            assertEquals(before, text("stripe-invoice-id"), "the same Stripe invoice, never a second one");
        }
    }

    private static void keepPdf(String href) {
        try {
            Object pdf = ((JavascriptExecutor) browser.driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch(arguments[0]).then(r => r.blob()).then(b => { const f = new FileReader();"
                            + " f.onload = () => done(f.result.split(',')[1]); f.readAsDataURL(b); });",
                    href);
            java.nio.file.Files.createDirectories(Browser.SCREENSHOTS);
            java.nio.file.Files.write(Browser.SCREENSHOTS.resolve("member-invoice.pdf"),
                    java.util.Base64.getDecoder().decode(String.valueOf(pdf)));
        } catch (RuntimeException | java.io.IOException e) {
            System.out.println("[console-it] the invoice PDF was not kept: " + e);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(10)
    void billingAdminCreatesSeesOnceAndRevokesAnApiKey() throws Exception {
        browser.signIn(console, "/api-keys", "bob@acme", "bob");
        browser.open(console + "/api-keys");
        var form = browser.driver.findElement(By.id("new-api-key"));
        String name = "console gateway " + System.nanoTime();
        form.findElement(By.name("name")).sendKeys(name);
        browser.submit(form.findElement(By.tagName("button")));
        browser.screenshot("billing-admin-api-key-created");
        String key = text("new-key-value");
        assertTrue(key.matches("acr_test_[0-9A-Za-z]{49}"), "the new key, shown once: " + key);
        String listed = browser.open(console + "/api-keys");
        assertTrue(listed.contains(name), listed);
        assertFalse(listed.contains(key) || present("new-key"), "the key is never shown again");

        var row = browser.driver.findElement(By.xpath("//tr[td[text()='" + name + "']]"));
        browser.submit(row.findElement(By.tagName("button")));
        String revoked = browser.open(console + "/api-keys");
        browser.screenshot("billing-admin-api-key-revoked");
        var after = browser.driver.findElement(By.xpath("//tr[td[text()='" + name + "']]"));
        assertTrue(after.findElement(By.className("state")).getText().equals("revoked"), revoked);

        browser.signIn(console, "/", "carol@acme", "carol");
        String member = browser.open(console + "/api-keys");
        assertFalse(present("new-api-key") || member.contains(name), "members neither see nor make keys");
    }

    @Test
    @org.junit.jupiter.api.Order(11)
    void billingAdminRegistersAWebhookEndpointSendsATestEventAndReplays() throws Exception {
        try (Receiver receiver = new Receiver()) {
            browser.signIn(console, "/webhooks", "bob@acme", "bob");
            browser.open(console + "/webhooks");
            var form = browser.driver.findElement(By.id("new-endpoint"));
            form.findElement(By.name("url")).sendKeys(receiver.url());
            form.findElement(By.name("description")).sendKeys("console receiver");
            for (String type : List.of("subscription.created", "subscription.updated")) {
                form.findElement(By.cssSelector("input[name=eventTypes][value='" + type + "']")).click();
            }
            browser.submit(form.findElement(By.id("add-endpoint")));
            browser.screenshot("billing-admin-webhook-registered");
            String secret = text("endpoint-secret-value");
            assertTrue(secret.startsWith("whsec_"), "the signing secret, shown once: " + secret);
            String listed = browser.open(console + "/webhooks");
            assertFalse(listed.contains(secret) || present("endpoint-secret"), "the secret is never shown again");
            var row = endpointRow(receiver.url());
            assertTrue(row.getText().contains("subscription.created") && row.getText().contains("subscription.updated")
                    && row.findElement(By.className("state")).getText().equals("enabled"), row.getText());

            // the test button: a signed test.ping reaches the receiver, and the log shows its answer
            browser.submit(row.findElement(By.className("test-event")));
            assertTrue(present("notice"), "the page says the test event is queued");
            Receiver.Delivery ping = receiver.await(d -> d.body().contains("\"test.ping\""));
            assertTrue(ping.signedWith(secret), "signed per Standard Webhooks with the endpoint's secret: " + ping);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                browser.open(console + "/webhooks");
                return deliveryRow(ping.id()).map(r -> r.getText().contains("delivered")
                        && r.getText().contains("HTTP 204")).orElse(false);
            });
            browser.screenshot("billing-admin-webhook-log");

            // a range replay sends acme's subscription events of those days (provisioning, the plan change of
            // order 5) again under their own ids; the receiver only gets the types the endpoint subscribes to
            browser.open(console + "/webhooks");
            var replay = browser.driver.findElement(By.id("replay-range"));
            setDate(replay.findElement(By.name("from")), "2020-01-01");
            setDate(replay.findElement(By.name("to")), "2030-12-31");
            browser.submit(replay.findElement(By.id("replay-range-submit")));
            assertTrue(present("notice"), browser.driver.findElement(By.tagName("body")).getText());
            Receiver.Delivery replayed = receiver.await(d -> d.body().contains("\"subscription."));
            assertTrue(replayed.signedWith(secret), replayed.toString());
            assertTrue(receiver.received().stream().allMatch(d -> d.body().contains("\"test.ping\"")
                    || d.body().contains("\"subscription.created\"") || d.body().contains("\"subscription.updated\"")),
                    "only the subscribed types: " + receiver.received());

            // one event again from its row of the log: the same webhook-id a second time
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                browser.open(console + "/webhooks");
                return deliveryRow(replayed.id()).isPresent();
            });
            browser.submit(deliveryRow(replayed.id()).orElseThrow().findElement(By.className("replay")));
            receiver.await(d -> d.id().equals(replayed.id()) && d != replayed);
            assertEquals(2, receiver.received().stream().filter(d -> d.id().equals(replayed.id())).count(),
                    "replayed once more under the same id");

            // pause: nothing more is sent to it, and the button says so
            browser.open(console + "/webhooks");
            browser.submit(endpointRow(receiver.url()).findElement(By.xpath(".//button[text()='Pause']")));
            assertEquals("paused", endpointRow(receiver.url()).findElement(By.className("state")).getText());
            assertTrue(endpointRow(receiver.url()).findElements(By.className("test-event")).isEmpty());

            // members have no webhooks tab and the page refuses them
            browser.signIn(console, "/", "carol@acme", "carol");
            String member = browser.open(console + "/webhooks");
            assertFalse(present("new-endpoint") || member.contains(receiver.url()), member);
        }
    }

    /**
     * A billing event for acme reaches the contact that asked for it by mail (the stack's SMTP server); the mails page
     * lists it, sent, to every member of acme, and globex's owner cannot open acme's.
     */
    @Test
    @org.junit.jupiter.api.Order(12)
    void aMemberSeesTheMailsSentToTheBillingContacts() throws Exception {
        String contact = "alerts-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
        UsageSeed.post("subscription-service", "/v1/accounts/acme/contacts",
                ConsoleStack.token("bob@acme", "acme", "billing-admin"),
                "{\"name\":\"Alerts\",\"email\":\"" + contact + "\",\"receivesUsageAlerts\":true}");
        String eventId = "evt_" + java.util.UUID.randomUUID().toString().replace("-", "");
        UsageSeed.post("subscription-service", "/v1/billing-events", ConsoleStack.token("accrue-billing-service", null,
                "billing-service"),
                """
                        {"id":"%s","orgId":"acme","type":"usage.threshold_reached","occurredAt":"2026-03-15T09:30:00Z",
                         "data":{"orgId":"acme","budget":"Console budget","metric":"tokens","threshold":80,
                                 "limit":"1000","observed":"812","currency":null,"endUserId":null,
                                 "periodStart":"2026-03-01T00:00:00Z","periodEnd":"2026-04-01T00:00:00Z"}}"""
                        .formatted(eventId));

        browser.signIn(console, "/mails", "carol@acme", "carol");
        assertTrue(present("nav-mails"), "every member sees the mails tab");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            browser.open(console + "/mails");
            return mailRow(contact).map(r -> r.findElement(By.className("mail-status")).getText().startsWith("sent"))
                    .orElse(false);
        });
        browser.screenshot("member-mails");
        var row = mailRow(contact).orElseThrow();
        assertEquals("budget_threshold", row.findElement(By.className("mail-type")).getText());
        assertTrue(row.findElement(By.className("subject")).getText().contains("budget Console budget reached 80%"),
                row.getText());
        assertTrue(ConsoleStack.stack().mailServer().received().stream().anyMatch(m -> {
            try {
                return java.util.Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(contact));
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }), "the SMTP server received what the page says was sent");

        browser.signIn(console, "/", "erin@globex", "erin");
        String other = browser.open(console + "/mails?org=acme");
        assertTrue(other.contains("Not Found") && other.contains("404"), other);
        assertFalse(other.contains(contact), "nothing of acme's mails");
    }

    private static java.util.Optional<org.openqa.selenium.WebElement> mailRow(String recipient) {
        return browser.driver.findElements(By.cssSelector("#mail-log tbody tr")).stream()
                .filter(r -> r.findElement(By.className("recipients")).getText().contains(recipient)).findFirst();
    }

    private static org.openqa.selenium.WebElement endpointRow(String url) {
        return browser.driver.findElement(By.xpath("//table[@id='endpoint-list']//tr[td/code[text()='" + url + "']]"));
    }

    private static java.util.Optional<org.openqa.selenium.WebElement> deliveryRow(String eventId) {
        return browser.driver.findElements(By.cssSelector("#delivery-log tr[data-event-id='" + eventId + "']"))
                .stream().findFirst();
    }

    private static void setDate(org.openqa.selenium.WebElement input, String isoDate) {
        // typing into a date input depends on the browser's locale; the value property does not
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("arguments[0].value = arguments[1]",
                input, isoDate);
    }

    private static boolean present(String id) {
        return !browser.driver.findElements(By.id(id)).isEmpty();
    }

    private static String text(String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }
}

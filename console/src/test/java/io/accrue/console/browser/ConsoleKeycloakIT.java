package io.accrue.console.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The console with a stock Keycloak client (the realm rendered from the local stack's realm source): users sign in
 * through Keycloak's own login page, and their roles and organisation are read from the access token
 * ({@code realm_access.roles}, {@code org_id}), where Keycloak puts them. Runs in the console's {@code keycloak}
 * profile; skipped with one line when Chromium is missing, as {@link ConsoleBrowserIT}.
 */
class ConsoleKeycloakIT {

    static Browser browser;
    static String console;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue(ConsoleStack.KEYCLOAK,
                "runs in the keycloak profile: ./mvnw -B verify -Pkeycloak -pl kafka-broker,local-stack,console");
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
    void aBillingAdminSignsInThroughKeycloakAndSeesTheirOrganisationAndTabs() throws Exception {
        browser.signIn(console, "/", "bob@acme", "bob");
        String overview = browser.open(console + "/");
        browser.screenshot("keycloak-billing-admin-overview");
        assertTrue(text("signed-in-as").contains("bob@acme"), overview);
        assertTrue(text("signed-in-as").contains("billing-admin"), "roles from realm_access.roles: " + overview);
        assertEquals("acme", text("current-org").replace("Organisation: ", "").split(" ")[0]);
        for (String tab : List.of("nav-usage", "nav-invoices", "nav-end-users", "nav-rate-plans")) {
            assertTrue(present(tab), "a billing admin sees " + tab);
        }
        assertFalse(overview.contains("403"), overview);
        // another organisation's page answers 404 and shows nothing of it
        String other = browser.open(console + "/?org=globex");
        assertFalse(other.contains("Globex"), other);
    }

    @Test
    void aMemberSignsInThroughKeycloakAndSeesNoManagerTab() throws Exception {
        browser.signIn(console, "/", "carol@acme", "carol");
        String overview = browser.open(console + "/");
        browser.screenshot("keycloak-member-overview");
        assertTrue(text("signed-in-as").contains("member"), overview);
        assertTrue(text("current-org").contains("acme"), overview);
        assertTrue(present("nav-invoices"));
        assertFalse(present("nav-rate-plans"), "a member does not manage rate plans");
    }

    @Test
    void theOperatorSignsInThroughKeycloakAndActsAcrossOrganisations() throws Exception {
        browser.signIn(console, "/?org=globex", "operator", "operator");
        String overview = browser.open(console + "/?org=globex");
        assertTrue(text("signed-in-as").contains("platform-operator"), overview);
        assertTrue(text("current-org").contains("globex"), overview);
    }

    /**
     * Ends the previous test's Keycloak session: Keycloak's cookies have the path {@code /realms/accrue/}, so they
     * are deleted from a page under it (the console's sign-out page only clears the console's own cookies), and the
     * next user meets the login form instead of being signed in as the previous one.
     */
    @org.junit.jupiter.api.BeforeEach
    void forgetTheKeycloakSession() {
        browser.driver.get(ConsoleStack.stack().oidcIssuer() + "/.well-known/openid-configuration");
        browser.driver.manage().deleteAllCookies();
    }

    private static boolean present(String id) {
        return !browser.driver.findElements(By.id(id)).isEmpty();
    }

    private static String text(String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }
}

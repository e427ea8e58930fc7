package io.accrue.console.pages;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Where the provider sends the browser after signing out; public, so it never starts a new sign-in. */
@Path("/signed-out")
public class SignedOutResource {

    @GET
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public String signedOut() {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed out · Accrue</title>"
                + "<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body><main id=\"main\">"
                + "<h1>Signed out</h1><p><a href=\"/\" id=\"sign-in\">Sign in again</a></p></main></body></html>";
    }
}

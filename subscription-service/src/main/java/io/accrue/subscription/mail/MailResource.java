package io.accrue.subscription.mail;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.subscription.mail.MailLog.MailView;

/** The organisation's mails to its billing contacts: what was sent, what waits, what failed and why. */
@Path("/v1/accounts/{orgId}/mails")
@Tag(name = "Mail")
public class MailResource {

    private final MailLog log;

    MailResource(MailLog log) {
        this.log = log;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Mails to the organisation's billing contacts, newest first")
    public CursorPage<MailView> list(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return log.list(orgId, cursor, limit);
    }
}

package io.accrue.subscription.mail;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.mail.MailSettingsService.MailSettingsDraft;
import io.accrue.subscription.mail.MailSettingsService.MailSettingsView;

@Path("/v1/accounts/{orgId}/mail-settings")
@Tag(name = "Mail")
public class MailSettingsResource {

    private final MailSettingsService service;
    private final Caller caller;

    MailSettingsResource(MailSettingsService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "The sender name and reply-to of the organisation's mails")
    public MailSettingsView get(@PathParam("orgId") String orgId) {
        return service.get(orgId);
    }

    @PUT
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Set the sender name and reply-to of the organisation's mails")
    public MailSettingsView put(@PathParam("orgId") String orgId, @NotNull @Valid MailSettingsDraft body) {
        return service.put(orgId, body, caller.subject());
    }
}

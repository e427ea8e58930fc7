package io.accrue.console.pages;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.accrue.console.api.Problem;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/** The console's own refusals, written like the services' problems so users see one kind of error. */
public class ErrorPages {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ErrorPages.class);

    private final Template error;

    public ErrorPages(@Location("error.html") Template error) {
        this.error = error;
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return page(Problem.of(404, "Not Found", "There is nothing here for your organisation."));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return forbidden();
    }

    /** {@code @RolesAllowed} refusing a signed-in user. */
    @ServerExceptionMapper
    public Response roleRefused(io.quarkus.security.ForbiddenException e) {
        return forbidden();
    }

    /** A page that fails to render says so plainly; the cause goes to the log, not to the browser. */
    @ServerExceptionMapper
    public Response renderFailed(io.quarkus.qute.TemplateException e) {
        LOG.error("page could not be rendered", e);
        return page(new Problem(500, "This page could not be shown",
                "Something in the answer of a service could not be displayed. The error is logged.", "render_failed",
                java.util.List.of()));
    }

    private Response forbidden() {
        return page(Problem.of(403, "Forbidden",
                "Your role does not allow this page. Ask an owner or billing admin of your organisation."));
    }

    private Response page(Problem problem) {
        return Response.status(problem.status()).type(MediaType.TEXT_HTML_TYPE)
                .entity(error.data("problem", problem).render()).build();
    }
}

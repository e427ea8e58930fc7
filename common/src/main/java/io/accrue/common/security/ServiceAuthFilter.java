package io.accrue.common.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Register on a REST client ({@code @RegisterProvider(ServiceAuthFilter.class)}) that calls another Accrue
 * service: every request carries this service's own {@code billing-service} token.
 */
public class ServiceAuthFilter implements ClientRequestFilter {

    @Inject
    ServiceTokens tokens;

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, tokens.authorizationHeader());
    }
}

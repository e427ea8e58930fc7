package io.accrue.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a README row is read (no suite needed). */
class ReadmeEndpointsTest {

    @ParameterizedTest(name = "{0} → {1} {2}: {3}")
    @CsvSource(delimiter = ';', textBlock = """
            | POST | `/v1/accounts/{orgId}/checkout-sessions` | owner |          ; post   ; /v1/accounts/{orgId}/checkout-sessions ; true
            | POST | `/v1/accounts/{orgId}/checkout-sessions` | owner |          ; get    ; /v1/accounts/{orgId}/checkout-sessions ; false
            | `GET /orgs/{orgId}/usage/summary?environment=&from=` | same |       ; get    ; /v1/orgs/{org}/usage/summary            ; true
            | `GET/PUT /orgs/{orgId}/rate-plans[/{slug}]` | members |             ; put    ; /v1/orgs/{orgId}/rate-plans/{slug}      ; true
            | `GET/PUT /orgs/{orgId}/rate-plans[/{slug}]` | members |             ; get    ; /v1/orgs/{orgId}/rate-plans             ; true
            | `GET /orgs/{orgId}/end-users[?q=]`, `GET …/{id}`, `POST …/{id}/block` | x | ; post ; /v1/orgs/{orgId}/end-users/{endUserId}/block ; true
            | `PUT /orgs/{orgId}/budgets/{slug}`, `DELETE …/{slug}` | x |          ; delete ; /v1/orgs/{orgId}/budgets/{slug}         ; true
            | `GET /orgs/{orgId}/budgets` | x |                                    ; get    ; /v1/orgs/{orgId}/budgets/{slug}         ; false
            | GET/POST/PUT/DELETE | `/v1/accounts/{orgId}/contacts[/{id}]` | x | ; delete ; /v1/accounts/{orgId}/contacts/{contactId} ; true
            not a table row `GET /v1/plans`                                       ; get    ; /v1/plans                              ; false
            | `POST /{id}/activate` · `/terminate` | x |                           ; post   ; /{contractId}/terminate                ; true
            | `POST /{id}/activate` · `/terminate` · `/renewals` | x |              ; post   ; /{contractId}/renewals                 ; true
            | `GET /orgs/{orgId}/end-users[?q=&cursor=]`, `POST …/{id}/block` | x | ; post ; /v1/orgs/{orgId}/end-users/{endUserId}/block ; true
            """)
    void readsARow(String row, String method, String path, boolean documented) {
        assertEquals(documented, new ReadmeEndpoints(row.strip()).documents(method, path));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = ';', textBlock = """
            post ; /v1/orgs/{orgId}/contracts                           ; true
            get  ; /v1/orgs/{orgId}/contracts/{contractId}               ; true
            post ; /v1/orgs/{orgId}/contracts/{contractId}/terminate     ; true
            post ; /v1/orgs/{orgId}/contracts/{contractId}/renewals      ; false
            """)
    void readsPathsRelativeToTheReadmesBase(String method, String path, boolean documented) {
        String readme = """
                ## Endpoints (all under `/v1/orgs/{orgId}/contracts`, organisation checked against the token)
                | `POST /` | owner | draft |
                | `GET /{id}` · `PUT /{id}` | read | read |
                | `POST /{id}/activate` · `/terminate` | manage | moves |
                """;
        assertEquals(documented, new ReadmeEndpoints(readme).documents(method, path));
    }
}

package io.accrue.subscription;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Real PostgreSQL, a trusted token issuer, the neighbours' stand-ins and a real SMTP server for every test of this module. */
@QuarkusTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "subscription"))
@QuarkusTestResource(OidcKeysResource.class)
@QuarkusTestResource(StandInsResource.class)
@QuarkusTestResource(MailServerResource.class)
public class TestResources {
}

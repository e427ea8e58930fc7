package io.accrue.common.time;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;

/**
 * The test clock: a platform operator reads or moves this service's time. Disabled (404) unless
 * {@code accrue.clock.adjustable=true}; the local stack moves all four services together.
 */
@Path("/v1/operator/clock")
public class ClockResource {

    private final AdjustableClock clock;
    private final ClockConfig config;
    private final jakarta.enterprise.inject.Instance<RecordedData> recorded;

    ClockResource(AdjustableClock clock, ClockConfig config,
            @jakarta.enterprise.inject.Any jakarta.enterprise.inject.Instance<RecordedData> recorded) {
        this.clock = clock;
        this.config = config;
        this.recorded = recorded;
    }

    public record ClockView(Instant now, boolean frozen) {}

    /** Either {@code advanceBy} (ISO-8601 duration such as {@code P31D}) or {@code setTo} (an instant). */
    public record ClockChange(@JsonDeserialize(using = IsoDuration.class) Duration advanceBy, Instant setTo) {}

    /** Only ISO-8601 text such as {@code P31D}: a JSON number (1e30) would be read as seconds and wrap around. */
    static final class IsoDuration extends StdScalarDeserializer<Duration> {
        IsoDuration() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw InvalidFormatException.from(p, "an ISO-8601 duration such as P1D", p.getText(), Duration.class);
            }
            try {
                return Duration.parse(p.getText());
            } catch (java.time.format.DateTimeParseException e) {
                throw InvalidFormatException.from(p, "an ISO-8601 duration such as P1D", p.getText(), Duration.class);
            }
        }
    }

    // Readable by every signed-in role: the console shows periods, "today" and projections on the services' time,
    // with the signed-in user's token. Moving it stays the operator's.
    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Read this service's clock")
    public ClockView read() {
        requireAdjustable();
        return new ClockView(clock.instant(), clock.frozen());
    }

    @POST
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Move this service's clock (test environments only); back only as far as its latest recorded "
            + "data unless ?force=true; ?dryRun=true checks without moving")
    public ClockView change(ClockChange change, @QueryParam("force") @DefaultValue("false") boolean force,
            @QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        requireAdjustable();
        if (change == null || (change.advanceBy() == null) == (change.setTo() == null)) {
            throw ApiException.unprocessable("clock_change_invalid", "Give exactly one of advanceBy or setTo.");
        }
        Instant now = clock.instant();
        Instant target;
        try {
            target = change.advanceBy() != null ? now.plus(change.advanceBy()) : change.setTo();
        } catch (ArithmeticException | java.time.DateTimeException e) {
            target = null;
        }
        if (target == null || target.isBefore(AdjustableClock.EARLIEST) || target.isAfter(AdjustableClock.LATEST)) {
            throw new ApiException(400, "invalid_value", "Invalid value", "The clock must stay between "
                    + AdjustableClock.EARLIEST + " and " + AdjustableClock.LATEST + "; nothing was changed.");
        }
        if (target.isBefore(now) && !force) {
            refuseBeforeRecordedData(now, target);
        }
        if (dryRun) {
            return new ClockView(target, clock.frozen());
        }
        // The clock checks the target before it moves: a refused change leaves it as it was.
        try {
            if (change.advanceBy() != null) {
                clock.advance(change.advanceBy());
            } else {
                clock.set(change.setTo());
            }
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_value", "Invalid value", "The clock must stay between "
                    + AdjustableClock.EARLIEST + " and " + AdjustableClock.LATEST + "; nothing was changed.");
        }
        return read();
    }

    /**
     * Going back is safe down to the latest data this service recorded (a first-hour user who advanced too far comes
     * back); before it, "now" would precede usage, invoices or changes already recorded, and billing runs would find
     * nothing due and report success. That is refused, naming the data, unless the caller insists.
     */
    private void refuseBeforeRecordedData(Instant now, Instant target) {
        RecordedData.Mark latest = null;
        for (RecordedData data : recorded) {
            RecordedData.Mark mark = data.latest().orElse(null);
            if (mark != null && (latest == null || mark.at().isAfter(latest.at()))) {
                latest = mark;
            }
        }
        if (latest != null && target.isBefore(latest.at())) {
            throw new ApiException(409, "clock_backwards", "Conflict", "Moving the clock back from " + now + " to "
                    + target + " would put it before " + latest.what() + " at " + latest.at()
                    + "; the clock did not move. Move it to " + latest.at() + " or later, or add ?force=true to"
                    + " move it back anyway.");
        }
    }

    private void requireAdjustable() {
        if (!config.adjustable()) {
            throw ApiException.notFound("not_found", "Not found.");
        }
    }
}

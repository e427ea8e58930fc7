package io.accrue.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A quota reservation: tokens (and cost) held on the end user's counters until a usage event carrying its id
 * settles it ({@link AccrueClient#settle}), it is released ({@link AccrueClient#release}) or it expires.
 * {@code status} is {@code open}, {@code settled}, {@code released} or {@code expired}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Reservation(UUID id, String endUserId, long tokens, BigDecimal cost, String status, Instant expiresAt) {}

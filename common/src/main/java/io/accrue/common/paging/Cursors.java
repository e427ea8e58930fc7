package io.accrue.common.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.accrue.common.error.ApiException;

/**
 * Keyset cursors: the sort key of the last row returned, as opaque base64url text. Keyset rather than
 * offset paging, so a page never skips or repeats rows while new ones are written.
 */
public final class Cursors {

    private static final char SEPARATOR = '\u001f';
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private Cursors() {
    }

    public static String encode(String... keyParts) {
        String joined = String.join(String.valueOf(SEPARATOR), keyParts);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor into exactly {@code parts} key parts, or refuses it with {@code invalid_cursor}. */
    public static List<String> decode(String cursor, int parts) {
        try {
            String joined = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            List<String> values = List.of(joined.split(String.valueOf(SEPARATOR), -1));
            if (values.size() != parts) {
                throw invalid();
            }
            return values;
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    /** Clamps a requested page size; refuses nonsense rather than silently fixing it. */
    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiException.badRequest("invalid_limit", "limit must be between 1 and " + MAX_LIMIT + ".");
        }
        return requested;
    }

    private static ApiException invalid() {
        return ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
    }
}

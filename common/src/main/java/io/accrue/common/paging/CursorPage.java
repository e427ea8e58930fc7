package io.accrue.common.paging;

import java.util.List;

/**
 * One page of a cursor-paginated list. {@code nextCursor} is opaque to clients and absent on the last
 * page; pass it back as {@code ?cursor=} to continue. Cursors stay valid while rows are added.
 */
public record CursorPage<T>(List<T> items, String nextCursor, boolean hasMore) {

    public static <T> CursorPage<T> of(List<T> items, String nextCursor) {
        return new CursorPage<>(items, nextCursor, nextCursor != null);
    }
}

package vigil.dashboard.auth;

import io.javalin.http.Context;

/**
 * A streaming route in two steps, so that its audit entry is durable before the first byte of the stream leaves the
 * server: {@link #check} refuses the request (by throwing, as a {@link GuardedHandler} does) or returns; the guard
 * then appends the audit entry, and only then calls {@link #open}.
 */
public interface GuardedStream {
    /** Refuses the request by throwing an {@code HttpResponseException}; sends nothing itself. */
    void check(Context ctx, Access access) throws Exception;

    /** Starts the stream; called only after the caller's access is recorded in the audit log. */
    void open(Context ctx, Access access) throws Exception;
}

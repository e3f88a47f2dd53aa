package vigil.dashboard.auth;

import io.javalin.http.Context;

/** A route handler that runs only for an admitted caller, and receives that caller's {@link Access}. */
@FunctionalInterface
public interface GuardedHandler {
    void handle(Context ctx, Access access) throws Exception;
}

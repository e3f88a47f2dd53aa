package vigil.dashboard.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.Objects;
import vigil.dashboard.audit.AuditAction;
import vigil.dashboard.auth.Access;
import vigil.dashboard.auth.AccessRule;
import vigil.dashboard.auth.GuardedStream;
import vigil.dashboard.auth.Role;
import vigil.dashboard.auth.RouteGuard;

/**
 * {@code GET /api/v1/events} (api-v1.md): a Server-Sent Events stream of {@code device} and {@code alert} events in
 * the caller's scope, each a JSON object shaped as in the device and alert endpoints. The first event is
 * {@code ready} (data {@code {}}) once the client is registered, so a client knows from when on it sees changes.
 * Requests must accept {@code text/event-stream} (else 406). Browsers cannot set an Authorization header on
 * {@code EventSource}; the web page reads the stream with {@code fetch} instead, so tokens never go into URLs.
 */
public final class EventRoutes {
    public static final AccessRule READ_EVENTS = AccessRule.rolesAllowed(Role.CAREGIVER, Role.DEVICE_ADMIN);
    /** Open streams per API instance; beyond it new streams get 503 (each costs a thread-free async slot only). */
    public static final int MAX_STREAMS = 256;

    private final ChangeFeed feed;
    private final ObjectMapper json;

    public EventRoutes(ChangeFeed feed, ObjectMapper json) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.json = Objects.requireNonNull(json, "json");
    }

    public void register(RoutesConfig routes, RouteGuard guard) {
        routes.get("/api/v1/events", guard.protectStream(READ_EVENTS, AuditAction.EVENTS_SUBSCRIBE, new Stream()));
    }

    /** Checks first (406, 503: audited as refusals), then, once the guard has audited the opening, streams. */
    private final class Stream implements GuardedStream {
        @Override
        public void check(Context ctx, Access access) {
            String accept = ctx.header("Accept");
            if (accept == null || !accept.contains("text/event-stream")) {
                throw new HttpResponseException(406, "send Accept: text/event-stream");
            }
            if (feed.subscriberCount() >= MAX_STREAMS) {
                throw new HttpResponseException(503, "too many open event streams; try again later");
            }
            try {
                feed.prepare();
            } catch (FeedUnavailableException e) {
                throw new HttpResponseException(503, "event stream unavailable; try again later");
            }
        }

        @Override
        public void open(Context ctx, Access access) {
            new SseHandler(0L, client -> {
                StreamSubscriber subscriber = new StreamSubscriber(client, access);
                client.onClose(() -> feed.unsubscribe(subscriber));
                try {
                    feed.subscribe(subscriber);
                } catch (FeedUnavailableException e) {
                    client.close();
                    return;
                }
                subscriber.send("ready", java.util.Map.of());
                client.keepAlive();
            }).handle(ctx);
        }
    }

    /** One open stream. Sends are serialised on the client: the feed thread and the request thread both send. */
    private final class StreamSubscriber implements ChangeFeed.Subscriber {
        private final SseClient client;
        private final Access access;

        StreamSubscriber(SseClient client, Access access) {
            this.client = client;
            this.access = access;
        }

        @Override
        public Access access() {
            return access;
        }

        @Override
        public boolean send(String event, Object data) {
            synchronized (client) {
                if (client.terminated()) {
                    return false;
                }
                try {
                    client.sendEvent(event, json.writeValueAsString(data));
                } catch (Exception e) {
                    return false;
                }
                return !client.terminated();
            }
        }

        @Override
        public boolean keepAlive() {
            synchronized (client) {
                if (client.terminated()) {
                    return false;
                }
                client.sendComment("keep-alive");
                return !client.terminated();
            }
        }
    }
}

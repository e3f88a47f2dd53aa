package vigil.dashboard.events;

import vigil.dashboard.auth.Access;

/**
 * Turns changes in the store into events for the connected event-stream clients, each filtered to the client's
 * scope (api-v1.md, event stream). The implementation follows the tables' change streams
 * ({@link vigil.dashboard.events.dynamodb.StreamChangeFeed}); nothing reads the tables on a timer.
 *
 * <p><b>Threading contract.</b> Every method may be called from any thread.
 */
public interface ChangeFeed extends AutoCloseable {
    /** One connected client. */
    interface Subscriber {
        Access access();

        /**
         * Sends one event; false when the client is gone (it is then dropped). May be called from several threads:
         * the implementation serialises sends to one client.
         */
        boolean send(String event, Object data);

        /** Sends a comment line; false when the client is gone. */
        boolean keepAlive();
    }

    /**
     * Makes sure changes are being followed, before a stream is answered with 200.
     *
     * @throws FeedUnavailableException when the change streams cannot be read (the client gets 503)
     */
    void prepare();

    /**
     * Registers a client. When this returns, every change written afterwards reaches the client (if in scope).
     *
     * @throws FeedUnavailableException when the change streams cannot be read (the client gets 503)
     */
    void subscribe(Subscriber s);

    void unsubscribe(Subscriber s);

    int subscriberCount();

    @Override
    void close();
}

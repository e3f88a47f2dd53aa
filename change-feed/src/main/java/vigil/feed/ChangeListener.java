package vigil.feed;

import java.util.List;

/**
 * Receives a table's changes. Called on the feed's one thread only, never concurrently; the changes of one item
 * come in the order they were made, changes of different items in no promised order.
 */
public interface ChangeListener {
    /** Changes read in one call from one stream shard, oldest first. An exception is logged and the batch dropped. */
    void onChanges(List<TableChange> changes);

    /**
     * Changes may have been missed (the reader fell behind the stream's 24-h retention, or the stream was replaced).
     * A listener that keeps a picture of the table rebuilds it by one bounded read.
     */
    default void onGap(String reason) {}
}

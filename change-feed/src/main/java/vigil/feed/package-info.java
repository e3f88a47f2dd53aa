/** Change feeds: the changes of a table, in order per item, delivered to a listener on one thread. */
package vigil.feed;

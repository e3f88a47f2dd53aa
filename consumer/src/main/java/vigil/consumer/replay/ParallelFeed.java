package vigil.consumer.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a file once and gives every line to several {@link ReplayMain.LineSink}s, each on its own thread: the
 * what-if's two replays run side by side on two cores instead of one after the other.
 *
 * <p><b>Threading contract.</b> The calling thread reads the file into blocks of whole lines (a new array per block,
 * never written again after it is queued) and puts each block on every sink's bounded queue; each sink's thread
 * takes the blocks in order, splits them into lines and is the only thread that calls its sink. The caller joins
 * every sink thread before returning, so whatever the sinks wrote is visible to the caller afterwards
 * (Thread.join's happens-before).
 */
final class ParallelFeed {
    private static final int BLOCK_BYTES = 1 << 20;
    /** Blocks in flight per sink: bounds memory to about this many MB per sink. */
    private static final int QUEUE_BLOCKS = 16;
    private static final byte[] END = new byte[0];

    private ParallelFeed() {}

    /**
     * @return the number of lines given to each sink
     * @throws IOException when reading fails; a sink's exception is rethrown (unchecked) after all threads ended
     */
    static long feed(InputStream in, List<ReplayMain.LineSink> sinks, ReplayMain.Progress progress)
            throws IOException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < sinks.size(); i++) {
            Worker w = new Worker(sinks.get(i));
            Thread t = new Thread(w, "replay-" + (char) ('a' + i));
            t.setDaemon(true);
            w.thread = t;
            workers.add(w);
            t.start();
        }
        long lines = 0;
        long bytes = 0;
        try {
            byte[] buf = new byte[BLOCK_BYTES];
            int end = 0;
            while (true) {
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) {
                    break;
                }
                end += n;
                int lastNewline = -1;
                for (int i = end - 1; i >= 0; i--) {
                    if (buf[i] == '\n') {
                        lastNewline = i;
                        break;
                    }
                }
                if (lastNewline < 0) {
                    if (end == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the block (TOO_LARGE)
                    }
                    continue;
                }
                byte[] block = Arrays.copyOf(buf, lastNewline + 1);
                lines += countLines(block, block.length);
                bytes += block.length;
                put(workers, block);
                System.arraycopy(buf, lastNewline + 1, buf, 0, end - lastNewline - 1);
                end -= lastNewline + 1;
                progress.update(bytes, lines);
            }
            if (end > 0) {
                byte[] block = Arrays.copyOf(buf, end);
                lines += countLines(block, block.length) + 1; // the last line has no newline
                put(workers, block);
            }
        } finally {
            put(workers, END);
            for (Worker w : workers) {
                join(w.thread);
            }
        }
        progress.done(lines);
        for (Worker w : workers) {
            if (w.failure != null) {
                throw new IllegalStateException("replay thread failed: " + w.failure, w.failure);
            }
        }
        return lines;
    }

    private static long countLines(byte[] block, int length) {
        long n = 0;
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (block[i] == '\n') {
                if (i > start) {
                    n++;
                }
                start = i + 1;
            }
        }
        return n;
    }

    private static void put(List<Worker> workers, byte[] block) {
        for (Worker w : workers) {
            if (w.failure != null) {
                continue; // a failed worker no longer takes blocks
            }
            try {
                while (!w.queue.offer(block, 100, TimeUnit.MILLISECONDS)) {
                    if (w.failure != null) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the file", e);
            }
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replay thread", e);
        }
    }

    /** One sink's thread: takes blocks until {@link #END}, gives each non-empty line to the sink. */
    private static final class Worker implements Runnable {
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_BLOCKS);
        final ReplayMain.LineSink sink;
        Thread thread;
        volatile Throwable failure; // written by the worker, read by the reader and after join

        Worker(ReplayMain.LineSink sink) {
            this.sink = sink;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    byte[] block = queue.take();
                    if (block == END) {
                        return;
                    }
                    int start = 0;
                    for (int i = 0; i < block.length; i++) {
                        if (block[i] == '\n') {
                            if (i > start) {
                                sink.line(block, start, i - start);
                            }
                            start = i + 1;
                        }
                    }
                    if (start < block.length) {
                        sink.line(block, start, block.length - start);
                    }
                }
            } catch (Throwable t) {
                failure = t;
                queue.clear();
            }
        }
    }
}

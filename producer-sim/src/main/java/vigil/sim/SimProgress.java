package vigil.sim;

import java.time.Duration;
import vigil.sim.publish.SinkStats;

/**
 * A live view of a running {@link Simulation}, for progress lines and the demo.
 *
 * @param recordsGenerated records handed to the sink so far
 * @param elapsed          time since the run started
 * @param behindSchedule   how far the driver is behind its pacing schedule (back pressure or a slow host)
 * @param sinkStats        the sink's counters
 */
public record SimProgress(long recordsGenerated, Duration elapsed, Duration behindSchedule, SinkStats sinkStats) {}

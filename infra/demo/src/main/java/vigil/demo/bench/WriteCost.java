package vigil.demo.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one measured interval cost in DynamoDB, from two scrapes of the consumer's meters
 * {@code vigil.dynamodb.write.units} (counter, tag {@code table}: billed write units, 1 per started KB of each item
 * written, failed conditional writes included) and {@code vigil.dynamodb.item.bytes} (distribution summary, tag
 * {@code table}). A consumer without those meters gives NaN for every figure (the report prints "n/a"): nothing is
 * estimated here.
 *
 * @param unitsPerRecord        billed write units per accepted record, all tables
 * @param unitsPerRecordByTable the same per table, in {@link #TABLES} order (NaN for a table without a series)
 * @param stateItemBytesMean    mean size of a device-state item written in the interval, bytes
 * @param stateItemBytesMax     largest device-state item the summary reports at the end of the interval (its max is
 *                              over a recent time window, not the whole interval), bytes
 */
record WriteCost(double unitsPerRecord, Map<String, Double> unitsPerRecordByTable, double stateItemBytesMean,
        double stateItemBytesMax) {
    static final String UNITS = "vigil_dynamodb_write_units";
    static final String ITEM_BYTES = "vigil_dynamodb_item_bytes";
    static final List<String> TABLES =
            List.of("device-state", "alerts", "quarantine", "device-recovery", "device-history");

    static WriteCost between(Scrape before, Scrape after, double acceptedRecords) {
        Map<String, Double> byTable = new LinkedHashMap<>();
        for (String table : TABLES) {
            String label = "table=\"" + table + "\"";
            byTable.put(table, perRecord(delta(before, after, UNITS, "_total", label), acceptedRecords));
        }
        double units = perRecord(delta(before, after, UNITS, "_total", null), acceptedRecords);
        String state = "table=\"device-state\"";
        double bytes = delta(before, after, ITEM_BYTES, "_sum", state);
        double items = delta(before, after, ITEM_BYTES, "_count", state);
        double mean = Double.isNaN(bytes) || Double.isNaN(items) || items == 0 ? Double.NaN : bytes / items;
        return new WriteCost(units, byTable, mean, after.labelled(ITEM_BYTES, "_max", state));
    }

    /** True when the consumer had the write-unit meter (the figures are measured, not n/a). */
    boolean measured() {
        return !Double.isNaN(unitsPerRecord);
    }

    private static double delta(Scrape before, Scrape after, String prefix, String suffix, String label) {
        double b = before.labelled(prefix, suffix, label);
        double a = after.labelled(prefix, suffix, label);
        if (Double.isNaN(a)) {
            return Double.NaN;
        }
        return Double.isNaN(b) ? a : a - b; // a series may first appear during the interval
    }

    private static double perRecord(double units, double records) {
        return Double.isNaN(units) || records <= 0 ? Double.NaN : units / records;
    }
}

package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.tck.ConnectorContractTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The connector kit's contract, run against a folder of CSV files. */
class CsvConnectorContractTest extends ConnectorContractTest {

    @TempDir
    Path folder;

    private final Map<String, String> dealRows = new LinkedHashMap<>();

    @Override
    protected ConnectorFactory factory() {
        return new CsvConnectorFactory();
    }

    @Override
    protected ConnectionSettings settings() {
        return new CsvExport(folder).settings();
    }

    @Override
    protected void seedInitialData() {
        new CsvExport(folder).file("stages.csv", CsvExport.STAGES).file("users.csv", CsvExport.USERS)
                .file("activities.csv", CsvExport.ACTIVITIES);
        dealRows.put("d1", "d1,Alpha,sales,won,1000,USD,u1,2026-10-01T10:00:00Z,2026-10-20T10:00:00Z,,,North,SMB,");
        dealRows.put("d2", "d2,Beta,sales,lost,500,EUR,u1,2026-10-02T10:00:00Z,2026-10-21T10:00:00Z,,,South,,");
        dealRows.put("d3", "d3,Gamma,sales,new,700,USD,u2,2026-10-03T10:00:00Z,,2026-12-01,,North,,");
        dealRows.put("d4", "d4,Delta,sales,proposal,,USD,,2026-10-04,,,,,,");
        writeDeals();
    }

    @Override
    protected void updateOneDeal(String id) {
        dealRows.put(id, dealRows.get(id).replaceFirst("^([^,]*),[^,]*,", "$1,Renamed in the CRM,"));
        writeDeals();
    }

    @Override
    protected void deleteOneDeal(String id) {
        dealRows.remove(id);
        writeDeals();
    }

    @Override
    protected Set<String> expectedDealIds() {
        return Set.of("d1", "d2", "d3", "d4");
    }

    private void writeDeals() {
        new CsvExport(folder).file("deals.csv", CsvExport.DEALS_HEADER + "\n" + String.join("\n", dealRows.values()) + "\n");
    }
}

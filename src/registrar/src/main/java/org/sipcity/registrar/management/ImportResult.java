package org.sipcity.registrar.management;

import java.util.List;

import org.sipcity.registrar.subscriber.SubscriberCsvImporter;

/** What {@code import-csv} did (an MXBean composite). */
public final class ImportResult {

    private final SubscriberCsvImporter.Report report;

    ImportResult(SubscriberCsvImporter.Report report) {
        this.report = report;
    }

    /** Subscribers added. */
    public long getImported() {
        return report.imported();
    }

    /** Lines naming a subscriber that existed already (left unchanged). */
    public long getExisting() {
        return report.existing();
    }

    /** Lines refused. */
    public long getRejected() {
        return report.rejected();
    }

    /** Why, for the first hundred refused lines: {@code line 7: expected username,domain,password}. */
    public List<String> getProblems() {
        return report.problems();
    }
}

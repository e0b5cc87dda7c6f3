package org.sipcity.registrar.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.util.Locale;

import jakarta.persistence.EntityManagerFactory;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipcity.registrar.location.jpa.Transactions;
import org.sipcity.registrar.subscriber.SubscriberCsvImporter;
import org.sipcity.registrar.subscriber.SubscriberStore;

/**
 * Measures the bulk import (figures in the README). Not a test of speed: it asserts only the row count and prints
 * the rate. Run with {@code -Dtest=SubscriberImportMeasurement -Dsipcity.import.rows=300000}.
 */
@EnabledIfSystemProperty(named = "sipcity.import.rows", matches = "\\d+")
class SubscriberImportMeasurement {

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void import_rows(TestDatabase database) throws IOException {
        int rows = Integer.getInteger("sipcity.import.rows");
        String name = "import-measurement";
        String unreachable = database.unreachableReason(name);
        assumeTrue(unreachable == null, unreachable);
        try (EntityManagerFactory factory = database.open(name)) {
            Transactions.inTransaction(factory, em -> em.createQuery("delete from Subscriber").executeUpdate());
            SubscriberStore store = new SubscriberStore(factory);
            long start = System.nanoTime();
            SubscriberCsvImporter.Report report = new SubscriberCsvImporter(store).importCsv(new GeneratedCsv(rows));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(report.imported()).isEqualTo(rows);
            assertThat(store.count()).isEqualTo(rows);
            System.out.printf(Locale.ROOT, "IMPORT %s: %d rows in %.1f s = %.0f rows/s%n", database, rows, seconds,
                    rows / seconds);
        }
    }

    /** {@code userN,example.org,secretN} lines made on the fly, so no 10 MB file is kept. */
    private static final class GeneratedCsv extends Reader {
        private final int rows;
        private int next;
        private String line = "";
        private int offset;

        GeneratedCsv(int rows) {
            this.rows = rows;
        }

        @Override
        public int read(char[] buffer, int off, int len) {
            if (offset == line.length()) {
                if (next == rows) {
                    return -1;
                }
                line = "user" + next + ",example.org,secret" + next + "\n";
                next++;
                offset = 0;
            }
            int n = Math.min(len, line.length() - offset);
            line.getChars(offset, offset + n, buffer, off);
            offset += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}

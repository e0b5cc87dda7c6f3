package org.sipcity.registrar.subscriber;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.persistence.EntityManagerFactory;

import org.sipcity.registrar.location.jpa.Transactions;

/**
 * Bulk import of subscribers from CSV, one {@code username,domain,password} per line (the password is everything after
 * the second comma, so it may contain commas; surrounding white space is not part of it). Blank lines, lines starting with {@code #} and a first line
 * {@code username,domain,password} are skipped.
 * <p>
 * Rows are imported in chunks, one transaction each: one query finds which of the chunk's subscribers exist already
 * (those are skipped and counted, the import is idempotent), the others are inserted with JDBC batching (the
 * persistence unit sets {@code hibernate.jdbc.batch_size}; the SEQUENCE id with allocation size 1000 needs no
 * round trip per row). A bad line is reported with its number and does not stop the import.
 */
public final class SubscriberCsvImporter {

    /** Rows per transaction. */
    public static final int DEFAULT_CHUNK = 1000;
    /** Problems reported in detail; the rest are only counted. */
    private static final int MAX_REPORTED_PROBLEMS = 100;

    /** What an import did. */
    public record Report(long imported, long existing, long rejected, List<String> problems) {
    }

    private record Row(int line, Subscriber subscriber) {
    }

    private final EntityManagerFactory factory;
    private final int chunk;

    public SubscriberCsvImporter(SubscriberStore store) {
        this(store, DEFAULT_CHUNK);
    }

    public SubscriberCsvImporter(SubscriberStore store, int chunk) {
        this.factory = store.factory();
        this.chunk = chunk;
    }

    public Report importCsv(Reader csv) throws IOException {
        BufferedReader reader = csv instanceof BufferedReader buffered ? buffered : new BufferedReader(csv);
        List<Row> rows = new ArrayList<>(chunk);
        List<String> problems = new ArrayList<>();
        long[] counts = new long[3]; // imported, existing, rejected
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")
                    || (number == 1 && trimmed.equalsIgnoreCase("username,domain,password"))) {
                continue;
            }
            int first = trimmed.indexOf(',');
            int second = first < 0 ? -1 : trimmed.indexOf(',', first + 1);
            if (second < 0) {
                reject(problems, counts, number, "expected username,domain,password");
                continue;
            }
            try {
                rows.add(new Row(number, SubscriberStore.hashed(trimmed.substring(0, first).strip(),
                        trimmed.substring(first + 1, second).strip(), trimmed.substring(second + 1))));
            } catch (SubscriberException e) {
                reject(problems, counts, number, e.getMessage());
                continue;
            }
            if (rows.size() == chunk) {
                store(rows, counts, problems);
                rows.clear();
            }
        }
        if (!rows.isEmpty()) {
            store(rows, counts, problems);
        }
        return new Report(counts[0], counts[1], counts[2], List.copyOf(problems));
    }

    private void store(List<Row> rows, long[] counts, List<String> problems) {
        Transactions.inTransaction(factory, em -> {
            Set<String> names = new HashSet<>();
            rows.forEach(row -> names.add(row.subscriber().getUsername()));
            Set<String> existing = new HashSet<>();
            em.createQuery("select s.username, s.domain from Subscriber s where s.username in :names", Object[].class)
                    .setParameter("names", names).getResultList()
                    .forEach(pair -> existing.add(pair[0] + "@" + pair[1]));
            Map<String, Integer> inChunk = new HashMap<>();
            for (Row row : rows) {
                Subscriber subscriber = row.subscriber();
                String key = subscriber.getUsername() + "@" + subscriber.getDomain();
                if (existing.contains(key)) {
                    counts[1]++;
                    continue;
                }
                Integer earlier = inChunk.putIfAbsent(key, row.line());
                if (earlier != null) {
                    reject(problems, counts, row.line(), key + " repeats line " + earlier);
                    continue;
                }
                em.persist(subscriber);
                counts[0]++;
            }
            em.flush();
            em.clear();
            return null;
        });
    }

    private static void reject(List<String> problems, long[] counts, int line, String why) {
        counts[2]++;
        if (problems.size() < MAX_REPORTED_PROBLEMS) {
            problems.add("line " + line + ": " + why);
        }
    }
}

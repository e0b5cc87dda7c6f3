package org.sipcity.registrar.management;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

import jakarta.persistence.PersistenceException;

import org.sipcity.registrar.subscriber.SubscriberCsvImporter;
import org.sipcity.registrar.subscriber.SubscriberException;
import org.sipcity.registrar.subscriber.SubscriberStore;

/** {@link SubscribersMXBean} on the registrar's {@link SubscriberStore}. */
public final class SubscribersAdmin implements SubscribersMXBean {

    static final int MAX_PAGE = 1000;

    private final SubscriberStore store;

    public SubscribersAdmin(SubscriberStore store) {
        this.store = store;
    }

    @Override
    public long getCount() {
        try {
            return store.count();
        } catch (PersistenceException e) {
            throw new IllegalStateException("subscribers not counted: " + e.getMessage());
        }
    }

    @Override
    public void add(String username, String domain, String password) {
        try {
            store.add(username, domain, password);
        } catch (SubscriberException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @Override
    public void changePassword(String username, String domain, String password) {
        boolean existed;
        try {
            existed = store.changePassword(username, domain, password);
        } catch (SubscriberException | PersistenceException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!existed) {
            throw noSuchSubscriber(username, domain);
        }
    }

    @Override
    public void remove(String username, String domain) {
        if (username == null || domain == null) {
            throw new IllegalArgumentException("username and domain are required");
        }
        boolean existed;
        try {
            existed = store.remove(username, domain);
        } catch (PersistenceException e) {
            throw new IllegalStateException("subscriber not removed: " + e.getMessage());
        }
        if (!existed) {
            throw noSuchSubscriber(username, domain);
        }
    }

    @Override
    public String[] list(String prefix, int offset, int limit) {
        if (limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit is at most " + MAX_PAGE);
        }
        try {
            return store.list(prefix, offset, limit).toArray(String[]::new);
        } catch (SubscriberException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @Override
    public ImportResult importCsv(String path) {
        Path file;
        try {
            file = Path.of(path == null ? "" : path.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + path);
        }
        if (!file.isAbsolute()) {
            throw new IllegalArgumentException("the path must be absolute: " + path);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("no readable file " + file);
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new ImportResult(new SubscriberCsvImporter(store).importCsv(reader));
        } catch (IOException e) {
            throw new IllegalArgumentException("reading " + file + " failed: " + e);
        } catch (PersistenceException e) {
            throw new IllegalStateException("import stopped, the database refused a chunk (chunks before it are stored): "
                    + e.getMessage());
        }
    }

    private static IllegalArgumentException noSuchSubscriber(String username, String domain) {
        return new IllegalArgumentException("no such subscriber " + username + '@' + domain.toLowerCase(Locale.ROOT));
    }
}

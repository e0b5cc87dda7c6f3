package org.sipcity.registrar.servlet;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.sipcity.registrar.location.LocationService;

/** Deletes expired bindings periodically, in batches so that no transaction grows with the table. */
final class BindingReaper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BindingReaper.class);
    /** Batches per run at most: a run stays short and the rest waits for the next one. */
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final ScheduledExecutorService scheduler;

    BindingReaper(LocationService locations, Clock clock, Duration interval, int batch) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sipcity-binding-reaper");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                int total = 0;
                for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
                    int reaped = locations.reapExpired(clock.instant(), batch);
                    total += reaped;
                    if (reaped < batch) {
                        break;
                    }
                }
                if (total > 0 && LOG.isDebugEnabled()) {
                    LOG.debugf("reaped %d expired bindings (rows of live bindings written again included)", total);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "reaping expired bindings failed; retried in %s", interval);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

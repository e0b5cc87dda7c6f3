package org.sipcity.registrar.location;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps the in-memory location tables of several nodes coherent: one version stamp per AOR, shared by every node
 * (docs/CLUSTERING.md). A writer commits a change to the database, then {@link #changed} puts a new stamp; a node's
 * table remembers the stamp it read before loading an AOR's rows and reloads when {@link #current} differs. Whatever
 * the interleaving, a node that loaded rows missing a commit sees, at its next lookup, a stamp put after that commit.
 * <p>
 * {@link #SINGLE_NODE} shares nothing: every stamp is {@code null}, so a loaded AOR is never reloaded and a node's
 * memory stays authoritative, as on one server.
 */
public interface BindingVersions {

    /** One node: nothing to keep coherent. */
    BindingVersions SINGLE_NODE = new BindingVersions() {
        @Override
        public Long current(String aor) {
            return null;
        }

        @Override
        public void changed(String aor) {
        }

        @Override
        public void changedAll(Collection<String> aors) {
        }

        @Override
        public boolean isShared() {
            return false;
        }
    };

    /** Stamps per replicated write when many AORs change at once ({@link #changedAll}). */
    int BATCH = 1000;

    /** The stamp of {@code aor} now, or {@code null} when it has none (never written, or expired from the map). */
    Long current(String aor);

    /** Publishes a new stamp for {@code aor}; call after the change is committed. Returns once every node has it. */
    void changed(String aor);

    /** {@link #changed} for many AORs, in writes of {@link #BATCH} stamps (one replication each, not one per AOR). */
    void changedAll(Collection<String> aors);

    /** Whether other nodes write the same bindings. */
    boolean isShared();

    /**
     * Stamps in a map every node shares, seen only through {@link ConcurrentMap}: in the clustered server a replicated
     * Infinispan cache, whose {@code put} returns once every node holds the value (synchronous replication).
     */
    static BindingVersions shared(ConcurrentMap<String, Long> stamps) {
        Objects.requireNonNull(stamps, "stamps");
        return new BindingVersions() {
            @Override
            public Long current(String aor) {
                return stamps.get(aor);
            }

            @Override
            public void changed(String aor) {
                stamps.put(aor, newStamp());
            }

            @Override
            public void changedAll(Collection<String> aors) {
                Map<String, Long> batch = new HashMap<>();
                for (String aor : aors) {
                    batch.put(aor, newStamp());
                    if (batch.size() == BATCH) {
                        stamps.putAll(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    stamps.putAll(batch);
                }
            }

            @Override
            public boolean isShared() {
                return true;
            }
        };
    }

    /** Random, not a counter: two nodes writing one AOR need no read-modify-write, only distinct values. */
    private static long newStamp() {
        long stamp;
        do {
            stamp = ThreadLocalRandom.current().nextLong();
        } while (stamp == 0);
        return stamp;
    }
}

package org.sipcity.registrar.subscriber;

import java.util.List;
import java.util.Locale;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;

import org.sipcity.registrar.auth.CredentialStore;
import org.sipcity.registrar.auth.DigestAlgorithm;
import org.sipcity.registrar.location.jpa.Transactions;
import org.sipcity.registrar.proxy.SubscriberDirectory;

/**
 * Subscriber administration on JPA, the authenticator's {@link CredentialStore} and the proxy's
 * {@link SubscriberDirectory}. Passwords pass through only
 * to be hashed; domains are stored in lower case (they are the digest realm and the AOR host).
 */
public final class SubscriberStore implements CredentialStore, SubscriberDirectory {

    private final EntityManagerFactory factory;

    public SubscriberStore(EntityManagerFactory factory) {
        this.factory = factory;
    }

    /**
     * Adds a subscriber.
     *
     * @throws SubscriberException when it exists already or cannot be stored
     */
    public void add(String username, String domain, String password) {
        Subscriber subscriber = hashed(username, domain, password);
        try {
            Transactions.inTransaction(factory, em -> {
                if (find(em, subscriber.getUsername(), subscriber.getDomain()) != null) {
                    throw new SubscriberException(username + '@' + domain + " exists already");
                }
                em.persist(subscriber);
                return null;
            });
        } catch (PersistenceException e) {
            throw new SubscriberException(username + '@' + domain + " not stored", e);
        }
    }

    /** @return whether the subscriber existed */
    public boolean changePassword(String username, String domain, String password) {
        Subscriber replacement = hashed(username, domain, password);
        return Transactions.inTransaction(factory, em -> {
            Subscriber subscriber = find(em, replacement.getUsername(), replacement.getDomain());
            if (subscriber == null) {
                return false;
            }
            subscriber.setHa1(replacement.getHa1Md5(), replacement.getHa1Sha256());
            return true;
        });
    }

    /** @return whether the subscriber existed */
    public boolean remove(String username, String domain) {
        return Transactions.inTransaction(factory, em -> em
                .createQuery("delete from Subscriber s where s.username = :u and s.domain = :d")
                .setParameter("u", username).setParameter("d", domain.toLowerCase(Locale.ROOT))
                .executeUpdate() > 0);
    }

    public long count() {
        return Transactions.read(factory, em -> em.createQuery("select count(s) from Subscriber s", Long.class)
                .getSingleResult());
    }

    /**
     * Subscribers as {@code user@domain}, ordered by domain then user, optionally only users whose name starts with
     * {@code prefix}; a page of at most {@code limit} from {@code offset}.
     */
    public List<String> list(String prefix, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new SubscriberException("offset must not be negative and limit must be positive");
        }
        // '!' escapes: a backslash would itself need escaping in MariaDB's string literals.
        String pattern = prefix == null ? "%" : prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + '%';
        return Transactions.read(factory, em -> em
                .createQuery("select s.username, s.domain from Subscriber s where s.username like :p escape '!'"
                        + " order by s.domain, s.username", Object[].class)
                .setParameter("p", pattern).setFirstResult(offset).setMaxResults(limit).getResultList().stream()
                .map(row -> row[0] + "@" + row[1]).toList());
    }

    @Override
    public boolean exists(String username, String domain) {
        return Transactions.read(factory, em -> find(em, username, domain.toLowerCase(Locale.ROOT)) != null);
    }

    @Override
    public String ha1(String username, String realm, DigestAlgorithm algorithm) {
        Subscriber subscriber = Transactions.read(factory, em -> find(em, username, realm.toLowerCase(Locale.ROOT)));
        if (subscriber == null) {
            return null;
        }
        return algorithm == DigestAlgorithm.SHA_256 ? subscriber.getHa1Sha256() : subscriber.getHa1Md5();
    }

    static Subscriber hashed(String username, String domain, String password) {
        if (username == null || username.isEmpty() || domain == null || domain.isEmpty() || password == null
                || password.isEmpty()) {
            throw new SubscriberException("username, domain and password must not be empty");
        }
        if (username.length() > Subscriber.NAME_LENGTH || domain.length() > Subscriber.NAME_LENGTH) {
            throw new SubscriberException("username and domain are limited to " + Subscriber.NAME_LENGTH + " characters");
        }
        String realm = domain.toLowerCase(Locale.ROOT);
        return new Subscriber(username, realm, DigestAlgorithm.MD5.ha1(username, realm, password),
                DigestAlgorithm.SHA_256.ha1(username, realm, password));
    }

    private static Subscriber find(EntityManager em, String username, String domain) {
        List<Subscriber> found = em
                .createQuery("select s from Subscriber s where s.username = :u and s.domain = :d", Subscriber.class)
                .setParameter("u", username).setParameter("d", domain).getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    EntityManagerFactory factory() {
        return factory;
    }
}

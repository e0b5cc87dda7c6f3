package org.sipcity.it.sip.jpa;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Writes visits in a JTA transaction: a CDI bean injected into the SIP servlet, with an interceptor binding. */
@ApplicationScoped
public class VisitLog {

    @PersistenceContext
    EntityManager entityManager;

    @Transactional
    public void record(String caller) {
        entityManager.persist(new Visit(caller));
    }
}

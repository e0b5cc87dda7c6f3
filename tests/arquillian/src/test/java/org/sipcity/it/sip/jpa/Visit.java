package org.sipcity.it.sip.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/** One OPTIONS the servlet received, by its From URI. */
@Entity
public class Visit {

    @Id
    @GeneratedValue
    private Long id;

    private String caller;

    protected Visit() {
    }

    Visit(String caller) {
        this.caller = caller;
    }

    public String getCaller() {
        return caller;
    }
}

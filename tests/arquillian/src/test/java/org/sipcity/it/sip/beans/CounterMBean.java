package org.sipcity.it.sip.beans;

/** A standard MBean interface. */
public interface CounterMBean {

    long getValue();

    long add(long delta);
}

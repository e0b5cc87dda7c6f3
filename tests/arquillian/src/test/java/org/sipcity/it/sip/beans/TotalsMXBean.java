package org.sipcity.it.sip.beans;

import java.util.Map;

/** An MXBean: a map becomes tabular data, each entry a row with key and value. */
public interface TotalsMXBean {

    Map<String, Long> getTotals();
}

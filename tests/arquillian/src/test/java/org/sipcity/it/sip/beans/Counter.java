package org.sipcity.it.sip.beans;

import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

/** Names and describes its parameter and operation through {@link StandardMBean}'s hooks. */
public class Counter extends StandardMBean implements CounterMBean {

    private final AtomicLong value = new AtomicLong();

    public Counter() throws NotCompliantMBeanException {
        super(CounterMBean.class);
    }

    @Override
    public long getValue() {
        return value.get();
    }

    @Override
    public long add(long delta) {
        if (delta <= 0) {
            throw new IllegalArgumentException("delta must be positive, was " + delta);
        }
        return value.addAndGet(delta);
    }

    @Override
    protected String getParameterName(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
        return "delta";
    }

    @Override
    protected String getDescription(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
        return "How much to add, positive";
    }

    @Override
    protected String getDescription(MBeanOperationInfo operation) {
        return "Adds to the counter and answers the new value";
    }

    @Override
    protected String getDescription(MBeanAttributeInfo attribute) {
        return "The counter's value";
    }
}

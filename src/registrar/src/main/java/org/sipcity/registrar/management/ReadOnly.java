package org.sipcity.registrar.management;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.management.DescriptorKey;

/** An operation that changes nothing (descriptor field {@code readOnly}): monitoring roles may run it. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadOnly {
    @DescriptorKey("readOnly")
    boolean value() default true;
}

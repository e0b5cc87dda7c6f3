package org.sipcity.registrar.management;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import javax.management.DescriptorKey;

/** A parameter's name (descriptor field {@code name}); JMX otherwise calls parameters {@code p0}, {@code p1}... */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Name {
    @DescriptorKey("name")
    String value();
}

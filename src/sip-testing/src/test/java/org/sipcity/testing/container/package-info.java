/** The test client against the SIP servlet container, deployed in-process with a test servlet. */
package org.sipcity.testing.container;

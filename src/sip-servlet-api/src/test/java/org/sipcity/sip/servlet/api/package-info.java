/**
 * Checks on the transformed SIP Servlet API: its types extend the Jakarta Servlet API and no class file still
 * references the javax Servlet API (read from the class files' constant pools, not from reflection alone).
 */
package org.sipcity.sip.servlet.api;

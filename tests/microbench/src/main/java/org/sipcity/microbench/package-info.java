/** Support for the benchmarks: profilers that make figures taken on a shared machine readable. */
package org.sipcity.microbench;

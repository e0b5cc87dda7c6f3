/** Test-only additions to the registrar archive under test: seeding subscribers through the application's own store. */
package org.sipcity.it.registrar.seed;

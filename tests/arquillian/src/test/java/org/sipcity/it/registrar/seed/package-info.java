/** Test-only additions to the registrar archive under test: seeding subscribers through
 * the application's own store (one at a time, or a CSV import with its importer), and reading what its location
 * service holds. */
package org.sipcity.it.registrar.seed;

/**
 * The registrar's use of WildFly's clustering API, kept apart: which nodes are members of the cluster
 * ({@link org.sipcity.registrar.cluster.GroupLiveness}). Loaded only in the clustered server, whose configuration
 * binds the group and gives the application the module (docs/CLUSTERING.md).
 */
package org.sipcity.registrar.cluster;

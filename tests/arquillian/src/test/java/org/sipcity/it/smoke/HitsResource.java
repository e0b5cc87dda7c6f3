package org.sipcity.it.smoke;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/hits} reads the counter, {@code POST /api/hits} counts a hit; both answer the total as text. */
@Path("hits")
@Produces(MediaType.TEXT_PLAIN)
public class HitsResource {

    @Inject
    HitCounter counter;

    @GET
    public String read() {
        return Long.toString(counter.hits());
    }

    @POST
    public String hit() {
        return Long.toString(counter.hit());
    }
}

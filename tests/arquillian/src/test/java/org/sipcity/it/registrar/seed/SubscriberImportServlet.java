package org.sipcity.it.registrar.seed;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.sipcity.registrar.subscriber.SubscriberCsvImporter;
import org.sipcity.registrar.subscriber.SubscriberStore;

/**
 * Test-only: imports subscribers with the registrar's own {@link SubscriberCsvImporter} into its
 * {@link SubscriberStore}, as the (not yet written) administration front end will. {@code POST /it/subscribers/import}
 * with a {@code text/csv} body of {@code username,domain,password} lines; answers 200 with
 * {@code imported <n> existing <n> rejected <n>} and the importer's problems, one a line.
 */
@WebServlet("/it/subscribers/import")
public class SubscriberImportServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient SubscriberStore subscribers;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        SubscriberCsvImporter.Report report = new SubscriberCsvImporter(subscribers).importCsv(request.getReader());
        response.setContentType("text/plain;charset=UTF-8");
        var out = response.getWriter();
        out.println("imported " + report.imported() + " existing " + report.existing() + " rejected " + report.rejected());
        report.problems().forEach(out::println);
    }
}

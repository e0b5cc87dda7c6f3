package org.sipcity.sip.subsystem.deployment;

import java.util.List;
import java.util.TreeSet;
import org.jboss.as.server.deployment.Attachments;
import org.jboss.as.server.deployment.DeploymentPhaseContext;
import org.jboss.as.server.deployment.DeploymentUnit;
import org.jboss.as.server.deployment.DeploymentUnitProcessor;
import org.jboss.as.server.deployment.annotation.CompositeIndex;
import org.jboss.as.server.deployment.module.ModuleDependency;
import org.jboss.as.server.deployment.module.ModuleSpecification;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.modules.Module;
import org.jboss.vfs.VirtualFile;

/**
 * Finds SIP applications: a web archive with {@code WEB-INF/sip.xml} or classes annotated {@code @SipServlet},
 * {@code @SipListener} or {@code @SipApplication} (JSR 289 §11, §18). Marks them and gives them the SIP Servlet API
 * module, so that an application packages nothing but its own classes.
 */
public final class SipDependencyProcessor implements DeploymentUnitProcessor {

    static final String SERVLET_API_MODULE = "org.sipcity.sip.servlet.api";
    private static final List<DotName> SIP_ANNOTATIONS = List.of(
            DotName.createSimple("javax.servlet.sip.annotation.SipServlet"),
            DotName.createSimple("javax.servlet.sip.annotation.SipListener"),
            DotName.createSimple("javax.servlet.sip.annotation.SipApplication"),
            DotName.createSimple("javax.servlet.sip.annotation.SipApplicationKey"));

    @Override
    public void deploy(DeploymentPhaseContext phaseContext) {
        DeploymentUnit unit = phaseContext.getDeploymentUnit();
        if (!unit.getName().endsWith(".war") || unit.getAttachment(Attachments.DEPLOYMENT_ROOT) == null) {
            return;
        }
        VirtualFile sipXml = unit.getAttachment(Attachments.DEPLOYMENT_ROOT).getRoot().getChild("WEB-INF/sip.xml");
        TreeSet<String> annotated = new TreeSet<>();
        CompositeIndex index = unit.getAttachment(Attachments.COMPOSITE_ANNOTATION_INDEX);
        if (index != null) {
            for (DotName annotation : SIP_ANNOTATIONS) {
                for (AnnotationInstance instance : index.getAnnotations(annotation)) {
                    AnnotationTarget target = instance.target();
                    if (target.kind() == AnnotationTarget.Kind.CLASS) {
                        annotated.add(target.asClass().name().toString());
                    } else if (target.kind() == AnnotationTarget.Kind.METHOD) {
                        annotated.add(target.asMethod().declaringClass().name().toString());
                    }
                }
            }
        }
        boolean hasSipXml = sipXml.exists();
        if (!hasSipXml && annotated.isEmpty()) {
            return;
        }
        unit.putAttachment(SipDeploymentMarker.KEY, new SipDeploymentMarker(hasSipXml ? sipXml : null, List.copyOf(annotated)));
        ModuleSpecification module = unit.getAttachment(Attachments.MODULE_SPECIFICATION);
        module.addSystemDependency(ModuleDependency.Builder.of(Module.getBootModuleLoader(), SERVLET_API_MODULE)
                .setReason("SIP application (JSR 289)")
                .build());
    }
}

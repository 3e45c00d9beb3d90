package io.planpilot.app.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The dashboard's JTE templates (src/main/jte), compiled into classes at build time by the
 * jte-maven-plugin, so the adapter needs no Java compiler at run time and starts rendering at once.
 * Output is HTML-escaped by context.
 */
@Component
public class Templates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    public String render(String template, Map<String, Object> params) {
        StringOutput output = new StringOutput(16 * 1024);
        engine.render(template, params, output);
        return output.toString();
    }
}

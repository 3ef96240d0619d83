package io.confwatch.deploy;

import java.io.IOException;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/** What the deployment files must agree with in {@code pom.xml}. */
record PomFile(String finalName, String javaRelease, String version) {

    /** Reads {@code pom.xml} from the project root. */
    static PomFile read() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
            var xpath = XPathFactory.newInstance().newXPath();
            return new PomFile(
                    (String) xpath.evaluate("/project/build/finalName", pom, XPathConstants.STRING),
                    (String) xpath.evaluate("/project/properties/maven.compiler.release", pom, XPathConstants.STRING),
                    (String) xpath.evaluate("/project/version", pom, XPathConstants.STRING));
        } catch (IOException | ParserConfigurationException | SAXException | XPathExpressionException e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
    }
}

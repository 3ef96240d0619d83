package io.confwatch.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** What the deployment files must agree with in {@code pom.xml}. */
record PomFile(String finalName, String javaRelease, String version) {

    /** Reads {@code pom.xml} from the project root. */
    static PomFile read() {
        try {
            Document pom = parse();
            var xpath = XPathFactory.newInstance().newXPath();
            return new PomFile(
                    (String) xpath.evaluate("/project/build/finalName", pom, XPathConstants.STRING),
                    (String) xpath.evaluate("/project/properties/maven.compiler.release", pom, XPathConstants.STRING),
                    (String) xpath.evaluate("/project/version", pom, XPathConstants.STRING));
        } catch (IOException | ParserConfigurationException | SAXException | XPathExpressionException e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
    }

    /** The modules the root pom builds, in its order. */
    static List<String> modules() {
        try {
            NodeList nodes = (NodeList) XPathFactory.newInstance()
                    .newXPath()
                    .evaluate("/project/modules/module", parse(), XPathConstants.NODESET);
            List<String> modules = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                modules.add(nodes.item(i).getTextContent().strip());
            }
            return modules;
        } catch (IOException | ParserConfigurationException | SAXException | XPathExpressionException e) {
            throw new AssertionError("cannot read pom.xml", e);
        }
    }

    private static Document parse() throws IOException, ParserConfigurationException, SAXException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    }
}

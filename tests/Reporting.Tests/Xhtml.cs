using System.Xml;
using System.Xml.Linq;

namespace Axon.Samples.Reporting.Tests;

/// <summary>Reads the report as XML (the writer emits XHTML-compatible markup) and helps query it.</summary>
internal static class Xhtml
{
    public static XDocument Parse(string html)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        return XDocument.Load(reader);
    }

    public static IEnumerable<XElement> Find(this XContainer root, string localName) =>
        root.Descendants().Where(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> Find(this XContainer root, string localName, string cssClass) =>
        root.Find(localName).Where(e => e.HasClass(cssClass));

    public static bool HasClass(this XElement element, string cssClass) =>
        ((string?)element.Attribute("class"))?.Split(' ').Contains(cssClass) == true;

    public static double Number(this XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The PNG bytes of an &lt;img&gt; whose source is a base64 data URI.</summary>
    public static byte[] PngOf(XElement img)
    {
        const string prefix = "data:image/png;base64,";
        string src = (string)img.Attribute("src")!;
        Assert.StartsWith(prefix, src);
        return Convert.FromBase64String(src[prefix.Length..]);
    }

    /// <summary>The text of an element with its &lt;title&gt; tooltips left out.</summary>
    public static string VisibleText(this XElement element) =>
        string.Concat(element.DescendantNodes().OfType<XText>().Where(t => t.Parent?.Name.LocalName != "title").Select(t => t.Value));
}

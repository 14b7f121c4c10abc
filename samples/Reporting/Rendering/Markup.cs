using System.Text;

namespace Axon.Samples.Reporting.Rendering;

/// <summary>
/// A string builder for XHTML-compatible markup: every text and attribute value goes through <see cref="Escape(string)"/>,
/// so the output is well-formed XML as well as valid HTML.
/// </summary>
internal sealed class Markup
{
    private readonly StringBuilder _text = new(64 * 1024);

    /// <summary>Appends markup written by the renderer itself (never user text).</summary>
    public Markup Raw(string markup)
    {
        _text.Append(markup);
        return this;
    }

    /// <summary>Appends escaped text.</summary>
    public Markup Text(string text)
    {
        Escape(_text, text);
        return this;
    }

    /// <summary>Appends <c> name="value"</c> with the value escaped.</summary>
    public Markup Attr(string name, string value)
    {
        _text.Append(' ').Append(name).Append("=\"");
        Escape(_text, value);
        _text.Append('"');
        return this;
    }

    /// <summary>Appends <c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c>.</summary>
    public Markup Element(string tag, string? cssClass, string text)
    {
        _text.Append('<').Append(tag);
        if (cssClass is not null) Attr("class", cssClass);
        _text.Append('>');
        Escape(_text, text);
        _text.Append("</").Append(tag).Append('>');
        return this;
    }

    public Markup Line()
    {
        _text.Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    /// <summary>
    /// Escapes the five XML-special characters, and replaces characters that XML 1.0 forbids (C0 controls other
    /// than tab, line feed and carriage return; unpaired surrogates; U+FFFE and U+FFFF) with U+FFFD.
    /// </summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        Escape(builder, text);
        return builder.ToString();
    }

    private static void Escape(StringBuilder builder, string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                case '\t' or '\n' or '\r': builder.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': builder.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        builder.Append('\uFFFD');
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }
    }
}

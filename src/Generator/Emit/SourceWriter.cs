using System;
using System.Globalization;
using System.Text;

namespace Axon.Generator.Emit
{
    /// <summary>A small indented text writer for emitted C#; numbers are written in the invariant culture.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new StringBuilder();
        private int _indent;

        public SourceWriter Line(string text = "")
        {
            if (text.Length > 0) _builder.Append(' ', _indent * 4).Append(text);
            _builder.Append('\n');
            return this;
        }

        /// <summary>Writes the header (if any) and opens a brace block; an empty header opens a bare scope.</summary>
        public SourceWriter Open(string header)
        {
            if (header.Length > 0) Line(header);
            Line("{");
            _indent++;
            return this;
        }

        public SourceWriter Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
            return this;
        }

        public IDisposable Block(string header)
        {
            Open(header);
            return new Closer(this);
        }

        /// <summary>
        /// A real literal that reads back as exactly <paramref name="value"/> held in the element type (a float
        /// literal is the float nearest the value). The value must be finite in that type: the parser rejects others
        /// (AXN008), and an infinite or NaN value here is a generator bug, so it throws rather than write bad code.
        /// </summary>
        public static string Literal(double value, bool asFloat)
        {
            string text = asFloat ? RoundTrip((float)value) : RoundTrip(value);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0) text += ".0";
            return asFloat ? text + "f" : text;
        }

        // "R" is the shortest round-trip form on .NET Core; older frameworks can miss by one ulp, hence the check and G9/G17.
        private static string RoundTrip(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "not a finite double");
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return double.Parse(text, CultureInfo.InvariantCulture) == value ? text : value.ToString("G17", CultureInfo.InvariantCulture);
        }

        private static string RoundTrip(float value)
        {
            if (float.IsNaN(value) || float.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "not a finite float");
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return float.Parse(text, CultureInfo.InvariantCulture) == value ? text : value.ToString("G9", CultureInfo.InvariantCulture);
        }

        public static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);

        public override string ToString() => _builder.ToString();

        private sealed class Closer : IDisposable
        {
            private readonly SourceWriter _writer;

            public Closer(SourceWriter writer) => _writer = writer;

            public void Dispose() => _writer.Close();
        }
    }
}

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

        public static string Literal(double value, bool asFloat)
        {
            string text = value.ToString("R", CultureInfo.InvariantCulture);
            if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0 && !text.Contains("Infinity") && !text.Contains("NaN")) text += ".0";
            return asFloat ? text + "f" : text;
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

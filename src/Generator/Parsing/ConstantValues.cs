using System;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Reads a compile-time constant as a hyper-parameter without throwing: in code that does not compile the
    /// constant can be a string, null or a long beyond int, and Convert would throw inside the generator.
    /// </summary>
    internal static class ConstantValues
    {
        public static bool TryInteger(object? value, out int result)
        {
            switch (value)
            {
                case int i:
                    result = i;
                    return true;
                case bool b:
                    result = b ? 1 : 0;
                    return true;
                case long or uint or ulong or short or ushort or byte or sbyte or char:
                    {
                        decimal d = Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
                        bool fits = d >= int.MinValue && d <= int.MaxValue;
                        result = fits ? (int)d : 0;
                        return fits;
                    }

                default:
                    result = 0;
                    return false;
            }
        }

        public static bool TryReal(object? value, out double result)
        {
            switch (value)
            {
                case double d:
                    result = d;
                    return true;
                case float f:
                    result = f;
                    return true;
                case int or long or uint or ulong or short or ushort or byte or sbyte or decimal:
                    result = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                default:
                    result = 0;
                    return false;
            }
        }
    }
}

using System.Collections.Generic;
using System.Numerics;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>
    /// Element counts computed exactly (no int or long wrap-around) and checked against what an array can hold:
    /// the generated code indexes activations, parameters and their totals with int.
    /// </summary>
    internal static class ElementCount
    {
        public static readonly BigInteger Limit = int.MaxValue;

        public static BigInteger Product(IEnumerable<long> shape)
        {
            BigInteger product = BigInteger.One;
            foreach (long d in shape) product *= d;
            return product;
        }

        public static BigInteger Product(IEnumerable<int> shape)
        {
            BigInteger product = BigInteger.One;
            foreach (int d in shape) product *= d;
            return product;
        }

        public static bool Fits(BigInteger count) => count.Sign > 0 && count <= Limit;

        public static string Format(BigInteger count) => count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

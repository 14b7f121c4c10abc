using System;
using System.Collections.Generic;
using System.Globalization;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// Roslyn compares hint names ignoring case, so two models whose names differ only in case would collide
    /// (the second AddSource throws). Such names get a suffix computed from the exact spelling; others stay as they are.
    /// </summary>
    internal static class HintNames
    {
        /// <summary>
        /// <paramref name="hintName"/>, or, when another differs from it only in case, the hint name with a hash of
        /// its exact spelling inserted before <paramref name="suffix"/> (which it must end with): A.Net.71177882.Axon.g.cs.
        /// </summary>
        public static string Disambiguate(string hintName, IEnumerable<string> allHintNames, string suffix)
        {
            foreach (string other in allHintNames)
            {
                if (other != hintName && string.Equals(other, hintName, StringComparison.OrdinalIgnoreCase))
                {
                    string stem = hintName.Substring(0, hintName.Length - suffix.Length);
                    return stem + "." + Fnv1a(hintName).ToString("x8", CultureInfo.InvariantCulture) + suffix;
                }
            }

            return hintName;
        }

        // A stable hash (string.GetHashCode is randomised per process), so the file name is the same in every build.
        private static uint Fnv1a(string text)
        {
            uint hash = 2166136261;
            foreach (char c in text)
            {
                hash ^= c;
                hash *= 16777619;
            }

            return hash;
        }
    }
}

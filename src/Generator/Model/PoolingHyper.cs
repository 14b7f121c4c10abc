using System.Collections.Generic;

namespace Axon.Generator.Model
{
    /// <summary>
    /// MaxPool2d / AvgPool2d hyper-parameters are [kernel, stride] or, padded, [kernel, stride, padding]: the padding is
    /// left out when it is 0, so that unpadded models describe themselves (and generate) exactly as before padding existed.
    /// </summary>
    internal static class PoolingHyper
    {
        public static int Padding(IReadOnlyList<int> hyper) => hyper.Count > 2 ? hyper[2] : 0;
    }
}

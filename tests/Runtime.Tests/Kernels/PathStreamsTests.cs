using System.Numerics;
using System.Numerics.Tensors;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The path engine's streams (<see cref="PathStreams{T}"/>, and <see cref="ElementwiseKernel.Accumulate{T}"/> for its
/// sums) against the TensorPrimitives calls they replace, bit for bit: every length from 0 to 70 (whole vectors, tails, shorter than a vector), float and double, with NaN, ±∞ and
/// −0 among the values; lengths that disagree are named.
/// </summary>
public sealed class PathStreamsTests
{
    private static T[] Values<T>(int length, int seed) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.Next(30) switch
            {
                0 => T.NaN,
                1 => T.PositiveInfinity,
                2 => T.NegativeZero,
                _ => T.CreateTruncating(random.NextDouble() * 4 - 2),
            };
        }

        return values;
    }

    [Fact]
    public void EveryStreamIsTheTensorPrimitivesCallBitForBit()
    {
        for (int length = 0; length <= 70; length++)
        {
            Same<float>(length);
            Same<double>(length);
        }
    }

    private static void Same<T>(int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = Values<T>(length, length), y = Values<T>(length, length + 100), z = Values<T>(length, length + 200);
        T scale = T.CreateTruncating(0.7310585786300049);

        var expected = new T[length];
        var actual = new T[length];
        TensorPrimitives.FusedMultiplyAdd(x, scale, y, expected);
        PathStreams<T>.MultiplyAdd(x, scale, y, actual);
        Assert.Equal(Bits(expected), Bits(actual));

        expected = (T[])z.Clone();
        actual = (T[])z.Clone();
        TensorPrimitives.FusedMultiplyAdd(x, y, expected, expected);
        PathStreams<T>.MultiplyAdd(x, y, actual);
        Assert.Equal(Bits(expected), Bits(actual));

        expected = (T[])z.Clone();
        actual = (T[])z.Clone();
        TensorPrimitives.Add(expected, x, expected);
        ElementwiseKernel.Accumulate<T>(x, actual);
        Assert.Equal(Bits(expected), Bits(actual));

        // In place: the destination may be the addend.
        expected = (T[])z.Clone();
        actual = (T[])z.Clone();
        TensorPrimitives.FusedMultiplyAdd(x, scale, expected, expected);
        PathStreams<T>.MultiplyAdd(x, scale, actual, actual);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void LengthsThatDisagreeAreNamed()
    {
        var four = new float[4];
        Assert.Equal("addend", Assert.Throws<ArgumentException>(() => PathStreams<float>.MultiplyAdd(four, 1f, new float[3], four)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => PathStreams<float>.MultiplyAdd(four, 1f, four, new float[5])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => PathStreams<float>.MultiplyAdd(four, new float[3], four)).ParamName);
        Assert.Equal("accumulator", Assert.Throws<ArgumentException>(() => PathStreams<float>.MultiplyAdd(four, four, new float[3])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => ElementwiseKernel.Accumulate<float>(four, new float[3])).ParamName);
    }

    private static long[] Bits<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Select(v => typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits((float)(object)v) : BitConverter.DoubleToInt64Bits((double)(object)v)).ToArray();
}

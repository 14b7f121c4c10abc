namespace Axon.IO;

/// <summary>
/// The element types a safetensors file may hold, named as the format spells them in the header
/// (<c>"F32"</c>, <c>"BF16"</c>, …). All are stored little-endian.
/// </summary>
public enum SafeTensorsDType
{
    /// <summary>IEEE 754 binary64.</summary>
    F64,

    /// <summary>IEEE 754 binary32.</summary>
    F32,

    /// <summary>IEEE 754 binary16.</summary>
    F16,

    /// <summary>bfloat16: the upper 16 bits of a binary32.</summary>
    BF16,

    /// <summary>8-bit float, 4 exponent and 3 mantissa bits, no infinities (PyTorch's float8_e4m3fn).</summary>
    F8_E4M3,

    /// <summary>8-bit float, 5 exponent and 2 mantissa bits (the upper byte of a binary16).</summary>
    F8_E5M2,

    /// <summary>Signed 64-bit integer (PyTorch <c>torch.int64</c>).</summary>
    I64,
    /// <summary>Signed 32-bit integer (PyTorch <c>torch.int32</c>).</summary>
    I32,
    /// <summary>Signed 16-bit integer (PyTorch <c>torch.int16</c>).</summary>
    I16,
    /// <summary>Signed 8-bit integer (PyTorch <c>torch.int8</c>).</summary>
    I8,
    /// <summary>Unsigned 64-bit integer (PyTorch <c>torch.uint64</c>).</summary>
    U64,
    /// <summary>Unsigned 32-bit integer (PyTorch <c>torch.uint32</c>).</summary>
    U32,
    /// <summary>Unsigned 16-bit integer (PyTorch <c>torch.uint16</c>).</summary>
    U16,
    /// <summary>Unsigned 8-bit integer (PyTorch <c>torch.uint8</c>).</summary>
    U8,

    /// <summary>One byte per element, 0 or 1.</summary>
    BOOL,
}

/// <summary>Facts about <see cref="SafeTensorsDType"/> values.</summary>
public static class SafeTensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I64 or SafeTensorsDType.U64 => 8,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 or SafeTensorsDType.U32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.I16 or SafeTensorsDType.U16 => 2,
        SafeTensorsDType.F8_E4M3 or SafeTensorsDType.F8_E5M2 or SafeTensorsDType.I8 or SafeTensorsDType.U8 or SafeTensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>True for the floating-point types, which model weights may be stored in.</summary>
    public static bool IsFloatingPoint(this SafeTensorsDType dtype) => dtype is
        SafeTensorsDType.F64 or SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or
        SafeTensorsDType.F8_E4M3 or SafeTensorsDType.F8_E5M2;

    /// <summary>The name the header uses for <paramref name="dtype"/>.</summary>
    public static string ToHeaderName(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => "F64",
        SafeTensorsDType.F32 => "F32",
        SafeTensorsDType.F16 => "F16",
        SafeTensorsDType.BF16 => "BF16",
        SafeTensorsDType.F8_E4M3 => "F8_E4M3",
        SafeTensorsDType.F8_E5M2 => "F8_E5M2",
        SafeTensorsDType.I64 => "I64",
        SafeTensorsDType.I32 => "I32",
        SafeTensorsDType.I16 => "I16",
        SafeTensorsDType.I8 => "I8",
        SafeTensorsDType.U64 => "U64",
        SafeTensorsDType.U32 => "U32",
        SafeTensorsDType.U16 => "U16",
        SafeTensorsDType.U8 => "U8",
        SafeTensorsDType.BOOL => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Parses a header dtype name (exact, case-sensitive, as the format requires).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "F16": dtype = SafeTensorsDType.F16; return true;
            case "BF16": dtype = SafeTensorsDType.BF16; return true;
            case "F8_E4M3": dtype = SafeTensorsDType.F8_E4M3; return true;
            case "F8_E5M2": dtype = SafeTensorsDType.F8_E5M2; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            case "I32": dtype = SafeTensorsDType.I32; return true;
            case "I16": dtype = SafeTensorsDType.I16; return true;
            case "I8": dtype = SafeTensorsDType.I8; return true;
            case "U64": dtype = SafeTensorsDType.U64; return true;
            case "U32": dtype = SafeTensorsDType.U32; return true;
            case "U16": dtype = SafeTensorsDType.U16; return true;
            case "U8": dtype = SafeTensorsDType.U8; return true;
            case "BOOL": dtype = SafeTensorsDType.BOOL; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>The dtype that stores <typeparamref name="T"/> exactly, if the format has one.</summary>
    public static bool TryGetDType<T>(out SafeTensorsDType dtype)
    {
        if (typeof(T) == typeof(float)) { dtype = SafeTensorsDType.F32; return true; }
        if (typeof(T) == typeof(double)) { dtype = SafeTensorsDType.F64; return true; }
        if (typeof(T) == typeof(Half)) { dtype = SafeTensorsDType.F16; return true; }
        dtype = default;
        return false;
    }

    internal const string KnownNames = "F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U64, U32, U16, U8, BOOL";
}

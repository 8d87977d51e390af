namespace MLNet.Mlp.Datasets;

/// <summary>
/// The element type of an IDX file, as coded in the third byte of its magic number.
/// </summary>
/// <remarks>
/// All multi-byte values in an IDX file are big-endian. MNIST and Fashion-MNIST use only
/// <see cref="UnsignedByte"/>.
/// </remarks>
public enum IdxDataType : byte
{
    /// <summary>Unsigned 8-bit integer (code 0x08).</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed 8-bit integer (code 0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Signed 16-bit big-endian integer (code 0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Signed 32-bit big-endian integer (code 0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>32-bit big-endian IEEE 754 floating-point number (code 0x0D).</summary>
    Single = 0x0D,

    /// <summary>64-bit big-endian IEEE 754 floating-point number (code 0x0E).</summary>
    Double = 0x0E,
}

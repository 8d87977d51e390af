using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using MLNet.Mlp.Networks;

namespace MLNet.Mlp.Tests.Compatibility;

/// <summary>
/// The fingerprints the compatibility tests record: a short hash of a network's trained numbers, exact float bits as
/// hex, and the name of the vector instruction set this process runs with (results differ between instruction sets:
/// the vector width changes the order of the sums). Shared by the tests and the benchmark console's <c>golden</c> and
/// <c>hashes</c> commands, which write the recorded values (this file is linked into both projects).
/// </summary>
internal static class BitHash
{
    /// <summary>
    /// The vector paths the engine takes in this process: "avx512" when Vector512 is accelerated, else "avx2" when
    /// Vector256 is, else "v128" (run with <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_EnableAVX2=0</c> to get the others
    /// on an AVX-512 machine). Outside x64 the architecture is prefixed ("arm64-v128"), since no values were recorded there.
    /// </summary>
    public static string Isa
    {
        get
        {
            string isa = Vector512.IsHardwareAccelerated ? "avx512" : Vector256.IsHardwareAccelerated ? "avx2" : "v128";
            return RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? isa
                : RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() + "-" + isa;
        }
    }

    /// <summary>The instruction-set keys the recorded tables have columns for, in column order.</summary>
    public static readonly string[] RecordedIsas = ["avx512", "avx2", "v128"];

    /// <summary>
    /// SHA-256 over the little-endian bits of the flat parameter buffer (<see cref="Network.Parameters"/>: every
    /// layer's weight matrix, then the biases and batch-norm scales/shifts) followed by the non-trainable state
    /// (<see cref="Network.State"/>: batch-norm running statistics; empty without batch norm); the first 16 hex digits.
    /// Without batch norm this is the <c>paramHash</c> the training benchmark prints.
    /// </summary>
    public static string OfNetwork(Network network) => Of(network.Parameters.Span, network.State.Span);

    /// <summary>SHA-256 over the bits of <paramref name="first"/> then <paramref name="second"/>; the first 16 hex digits.</summary>
    public static string Of(ReadOnlySpan<float> first, ReadOnlySpan<float> second = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(first));
        sha.AppendData(MemoryMarshal.AsBytes(second));
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    /// <summary>A float's exact bits as 8 hex digits (<see cref="BitConverter.SingleToInt32Bits"/>).</summary>
    public static string Hex(float value) => BitConverter.SingleToInt32Bits(value).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Floats' exact bits, space-separated.</summary>
    public static string Hex(ReadOnlySpan<float> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++) parts[i] = Hex(values[i]);
        return string.Join(' ', parts);
    }

    /// <summary>The floats whose bits <see cref="Hex(ReadOnlySpan{float})"/> wrote.</summary>
    public static float[] FromHex(string text) => text.Length == 0
        ? []
        : text.Split(' ').Select(h => BitConverter.Int32BitsToSingle(int.Parse(h, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
}

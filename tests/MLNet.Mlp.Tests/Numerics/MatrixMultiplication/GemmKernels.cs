using System.Runtime.Intrinsics;
using MLNet.Mlp.Numerics.MatrixMultiplication;

namespace MLNet.Mlp.Tests.Numerics.MatrixMultiplication;

/// <summary>Which kernel families the machine running the tests can execute, and the per-element arithmetic each uses.</summary>
internal static class GemmKernels
{
    /// <summary>Every family, narrowest first.</summary>
    public static readonly GemmKernelKind[] All = [GemmKernelKind.Scalar, GemmKernelKind.Vector128, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    /// <summary>Whether <paramref name="kind"/> runs on this machine (the driver never picks a wider one than it has).</summary>
    public static bool Runs(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => GemmDriver.DefaultKind == GemmKernelKind.Vector512,
        GemmKernelKind.Vector256 => Vector256.IsHardwareAccelerated,
        GemmKernelKind.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>Whether the family's accumulation step is a fused multiply-add (else a rounded multiply, then an add).</summary>
    public static bool IsFused(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 or GemmKernelKind.Vector256 => true,
        GemmKernelKind.Vector128 => GemmMicroKernel128.IsFused,
        _ => false,
    };
}

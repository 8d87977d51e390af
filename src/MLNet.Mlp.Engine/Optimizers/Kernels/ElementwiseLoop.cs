using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MLNet.Mlp.Optimizers.Kernels;

/// <summary>
/// The per-element arithmetic of an optimizer, written once over <see cref="Vector{T}"/> lanes. Unused state
/// registers are zero and their results are ignored.
/// </summary>
internal interface IElementwiseKernel
{
    /// <summary>Updates one vector of parameters θ and up to three state buffers from the gradient g.</summary>
    void Apply(ref Vector<float> theta, Vector<float> gradient, ref Vector<float> s0, ref Vector<float> s1, ref Vector<float> s2);
}

/// <summary>
/// Runs an <see cref="IElementwiseKernel"/> over a buffer in one pass: the body a hardware vector at a time, and
/// the tail (fewer than <see cref="Vector{T}.Count"/> values) through the very same kernel on a zero-padded copy on
/// the stack. Every element therefore goes through one definition of the arithmetic, with no fused multiply-add,
/// so a value's update does not depend on its position in the buffer or on the vector width.
/// No allocation.
/// </summary>
internal static class ElementwiseLoop
{
    /// <summary>Applies <paramref name="kernel"/> to every element; state spans are empty when unused.</summary>
    // Called every step: compiled optimized from the first call (see docs/jit-tiering.md).
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in TKernel kernel, Span<float> theta, ReadOnlySpan<float> gradient,
        Span<float> s0, Span<float> s1, Span<float> s2)
        where TKernel : struct, IElementwiseKernel
    {
        int n = theta.Length;
        if (n == 0) return;
        bool has0 = !s0.IsEmpty, has1 = !s1.IsEmpty, has2 = !s2.IsEmpty;
        ref float p = ref MemoryMarshal.GetReference(theta);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float r0 = ref MemoryMarshal.GetReference(s0);
        ref float r1 = ref MemoryMarshal.GetReference(s1);
        ref float r2 = ref MemoryMarshal.GetReference(s2);
        int width = Vector<float>.Count;
        int i = 0;
        for (; i <= n - width; i += width)
        {
            nuint at = (nuint)i;
            Vector<float> vp = Vector.LoadUnsafe(ref p, at);
            Vector<float> vg = Vector.LoadUnsafe(ref g, at);
            Vector<float> v0 = has0 ? Vector.LoadUnsafe(ref r0, at) : Vector<float>.Zero;
            Vector<float> v1 = has1 ? Vector.LoadUnsafe(ref r1, at) : Vector<float>.Zero;
            Vector<float> v2 = has2 ? Vector.LoadUnsafe(ref r2, at) : Vector<float>.Zero;
            kernel.Apply(ref vp, vg, ref v0, ref v1, ref v2);
            vp.StoreUnsafe(ref p, at);
            if (has0) v0.StoreUnsafe(ref r0, at);
            if (has1) v1.StoreUnsafe(ref r1, at);
            if (has2) v2.StoreUnsafe(ref r2, at);
        }

        int rest = n - i;
        if (rest == 0) return;
        Span<float> pad = stackalloc float[5 * width];
        pad.Clear();
        Span<float> tp = pad[..width], tg = pad.Slice(width, width), t0 = pad.Slice(2 * width, width),
            t1 = pad.Slice(3 * width, width), t2 = pad.Slice(4 * width, width);
        theta[i..].CopyTo(tp);
        gradient[i..].CopyTo(tg);
        if (has0) s0[i..].CopyTo(t0);
        if (has1) s1[i..].CopyTo(t1);
        if (has2) s2[i..].CopyTo(t2);
        Vector<float> wp = new(tp), wg = new(tg), w0 = new(t0), w1 = new(t1), w2 = new(t2);
        kernel.Apply(ref wp, wg, ref w0, ref w1, ref w2);
        wp.CopyTo(tp);
        tp[..rest].CopyTo(theta[i..]);
        if (has0) { w0.CopyTo(t0); t0[..rest].CopyTo(s0[i..]); }
        if (has1) { w1.CopyTo(t1); t1[..rest].CopyTo(s1[i..]); }
        if (has2) { w2.CopyTo(t2); t2[..rest].CopyTo(s2[i..]); }
    }
}

/// <summary>An <see cref="IElementwiseKernel"/> run by <see cref="ElementwiseLoop"/>, as an <see cref="IRangeUpdate"/>.</summary>
internal readonly struct ElementwiseUpdate<TKernel>(TKernel kernel) : IRangeUpdate
    where TKernel : struct, IElementwiseKernel
{
    private readonly TKernel _kernel = kernel;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Run(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> s0, Span<float> s1, Span<float> s2) =>
        ElementwiseLoop.Run(_kernel, theta, gradient, s0, s1, s2);
}

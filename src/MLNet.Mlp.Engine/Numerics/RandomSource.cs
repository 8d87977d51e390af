using System.Numerics;
using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics;

/// <summary>
/// A small, fast xoshiro128** generator whose stream is fixed by (seed, stream, counter). Training derives a fresh
/// generator for each epoch's shuffle and each step's dropout masks from those numbers instead of carrying one
/// generator along, so a run resumed at epoch e draws exactly what an uninterrupted run would have drawn.
/// </summary>
internal sealed class RandomSource : Random
{
    private uint _s0, _s1, _s2, _s3;

    public RandomSource(int seed, ulong stream = 0, ulong counter = 0) => Reseed(seed, stream, counter);

    /// <summary>
    /// Restarts the generator exactly as <c>new RandomSource(seed, stream, counter)</c> would, without allocating
    /// (the trainer reseeds one instance for every step's dropout masks).
    /// </summary>
    public void Reseed(int seed, ulong stream, ulong counter)
    {
        ulong x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ stream * 0xBF58476D1CE4E5B9UL ^ counter * 0x94D049BB133111EBUL);
        ulong a = SplitMix(ref x), b = SplitMix(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        uint result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override float NextSingle() => (NextUInt32() >> 8) * (1f / (1 << 24));

    public override double NextDouble() => ((ulong)NextUInt32() << 21 ^ NextUInt32() >> 11) * (1.0 / (1UL << 53));

    protected override double Sample() => NextDouble();

    public override int Next() => (int)(NextUInt32() >> 1);

    public override int Next(int maxValue) => Next(0, maxValue);

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        uint range = (uint)(maxValue - minValue);
        if (range == 0) return minValue;
        // Lemire's multiply-shift with rejection: unbiased and branch-light.
        ulong m = (ulong)NextUInt32() * range;
        if ((uint)m < range)
        {
            uint threshold = (0u - range) % range;
            while ((uint)m < threshold) m = (ulong)NextUInt32() * range;
        }
        return minValue + (int)(m >> 32);
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/>.</summary>
    public void ShuffleInPlace(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

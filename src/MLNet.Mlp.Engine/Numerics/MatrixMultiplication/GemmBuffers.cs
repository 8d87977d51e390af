using System.Runtime.CompilerServices;

namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>
/// Per-thread packing space. Each thread (caller or worker) owns its buffers, so concurrent callers
/// never share mutable state; buffers only grow, so steady-state calls allocate nothing.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    [ThreadStatic]
    private static GemmBuffers? t_current;

    private float[]? _a;
    private float[]? _b;
    private float* _aPtr;
    private float* _bPtr;
    private int _aCapacity;
    private int _bCapacity;
    private float[]? _wholeA;
    private float[]? _wholeB;
    private float* _wholeAPtr;
    private float* _wholeBPtr;
    private int _wholeACapacity;
    private int _wholeBCapacity;

    /// <summary>Job whose whole packed A is currently in <see cref="GetWholeA"/> (0: none).</summary>
    public long WholeAJob;

    /// <summary>Job whose whole packed B is currently in <see cref="GetWholeB"/> (0: none).</summary>
    public long WholeBJob;

    /// <summary>The calling thread's buffers.</summary>
    public static GemmBuffers Current => t_current ??= new GemmBuffers();

    private readonly float[] _tile = GC.AllocateUninitializedArray<float>(GemmMicroKernel.Mr512 * GemmMicroKernel.Nr512 + 16, pinned: true);

    private GemmBuffers()
    {
        fixed (float* p = _tile)
        {
            Tile = (float*)(((nint)p + 63) & ~(nint)63);
        }
    }

    /// <summary>Current capacities (floats) of the A, B, whole-A and whole-B buffers; they only grow.</summary>
    public (int A, int B, int WholeA, int WholeB) Capacities => (_aCapacity, _bCapacity, _wholeACapacity, _wholeBCapacity);

    /// <summary>64-byte aligned scratch for one edge tile (largest MR×NR of any kernel).</summary>
    public float* Tile { get; }

    /// <summary>64-byte aligned space for a packed A block of at least <paramref name="floats"/> floats.</summary>
    public float* GetA(int floats) => Ensure(ref _a, ref _aPtr, ref _aCapacity, floats);

    /// <summary>64-byte aligned space for a packed B block of at least <paramref name="floats"/> floats.</summary>
    public float* GetB(int floats) => Ensure(ref _b, ref _bPtr, ref _bCapacity, floats);

    /// <summary>Space for all of op(A) packed, kept across the chunks of one shared job.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetWholeA(int floats)
    {
        if (floats > _wholeACapacity)
        {
            WholeAJob = 0;
        }

        return Ensure(ref _wholeA, ref _wholeAPtr, ref _wholeACapacity, floats);
    }

    /// <summary>Space for all of op(B) packed, kept across the chunks of one shared job.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetWholeB(int floats)
    {
        if (floats > _wholeBCapacity)
        {
            WholeBJob = 0;
        }

        return Ensure(ref _wholeB, ref _wholeBPtr, ref _wholeBCapacity, floats);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float* Ensure(ref float[]? array, ref float* aligned, ref int capacity, int floats)
    {
        if (floats > capacity)
        {
            // Pinned-heap arrays never move, so a raw pointer into them stays valid; 16 extra floats allow 64-byte alignment,
            // 16 more absorb the overlapping-store spill of the A packer.
            array = GC.AllocateUninitializedArray<float>(floats + 32, pinned: true);
            fixed (float* p = array)
            {
                aligned = (float*)(((nint)p + 63) & ~(nint)63);
            }

            capacity = floats;
        }

        return aligned;
    }
}

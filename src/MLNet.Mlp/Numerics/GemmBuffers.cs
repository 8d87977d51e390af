namespace MLNet.Mlp.Numerics;

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

    /// <summary>64-byte aligned scratch for one edge tile (largest MR×NR of any kernel).</summary>
    public float* Tile { get; }

    /// <summary>64-byte aligned space for a packed A block of at least <paramref name="floats"/> floats.</summary>
    public float* GetA(int floats) => Ensure(ref _a, ref _aPtr, ref _aCapacity, floats);

    /// <summary>64-byte aligned space for a packed B block of at least <paramref name="floats"/> floats.</summary>
    public float* GetB(int floats) => Ensure(ref _b, ref _bPtr, ref _bCapacity, floats);

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

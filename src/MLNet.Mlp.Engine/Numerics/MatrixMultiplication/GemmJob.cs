namespace MLNet.Mlp.Numerics.MatrixMultiplication;

/// <summary>Which micro-kernel family the driver uses.</summary>
internal enum GemmKernelKind
{
    /// <summary>Portable scalar kernel.</summary>
    Scalar,

    /// <summary>128-bit kernel (fused multiply-add where the hardware has it).</summary>
    Vector128,

    /// <summary>256-bit FMA kernel.</summary>
    Vector256,

    /// <summary>512-bit FMA kernel.</summary>
    Vector512,
}

/// <summary>One multiply, with pinned operands. Shared read-only by the threads that split it.</summary>
internal unsafe struct GemmJob
{
    /// <summary>A as stored: [m×k], or [k×m] when <see cref="TransposeA"/>.</summary>
    public float* A;

    /// <summary>B as stored: [k×n], or [n×k] when <see cref="TransposeB"/>.</summary>
    public float* B;

    /// <summary>C, [m×n] row-major.</summary>
    public float* C;

    /// <summary>n values added to every row, or null.</summary>
    public float* Bias;

    /// <summary>Rows of C.</summary>
    public int M;

    /// <summary>Columns of C.</summary>
    public int N;

    /// <summary>Depth of the product.</summary>
    public int K;

    /// <summary>A is stored transposed.</summary>
    public bool TransposeA;

    /// <summary>B is stored transposed.</summary>
    public bool TransposeB;

    /// <summary>Add to the existing C.</summary>
    public bool Accumulate;

    /// <summary>Kernel family (and so tile shape) for the whole job.</summary>
    public GemmKernelKind Kind;

    /// <summary>Non-zero for a job split into chunks: identifies it so a thread can keep its packed shared operand between chunks.</summary>
    public long Id;

    /// <summary>Use the unpacked dot-product kernel (A·Bᵀ with few rows); chosen from the shape alone.</summary>
    public bool Dot;

    /// <summary>Read a non-transposed B in place (strided rows) instead of packing it.</summary>
    public bool DirectB;

    /// <summary>Chunks cut the columns (so every chunk needs all of A) rather than the rows (all of B).</summary>
    public bool SplitN;
}

/// <summary>A disjoint output block [M0,M1)×[N0,N1) of a job.</summary>
internal readonly record struct GemmPart(int M0, int M1, int N0, int N1);

using Microsoft.ML.Data;
using MLNet.Mlp.Numerics.MatrixMultiplication;
using MLNet.Mlp.Numerics.Parallel;

namespace MLNet.Mlp.Scoring;

/// <summary>
/// Rows a Transform cursor has read ahead (their features and row ids; the pass-through values are in the cursor's
/// <see cref="BufferedColumn"/>s, at <see cref="SlotBase"/> + row), and their scores. Scoring runs as independent blocks of at most
/// <see cref="BlockRows"/> rows that the caller and the GEMM helper threads share (<see cref="ParallelChunks"/>); each
/// block is an ordinary one-thread <see cref="MlpScorer.ScoreBatch"/> whose every value is what one-row scoring gives.
/// </summary>
internal sealed class ReadAheadBatch : IChunkedWork
{
    /// <summary>
    /// Rows per scoring block. Where blocks of up to <see cref="GemmDriver.DotMaxRows"/> rows take a row kernel (the
    /// 512-bit dot kernel, the scalar family's matrix-vector kernel), that is the block; the 256-bit GEMM gives every
    /// row the one-row bits at any height, and taller blocks spread its packing of the weights over more rows.
    /// </summary>
    internal static readonly int BlockRows = GemmDriver.DefaultKind == GemmKernelKind.Vector256 ? 128 : GemmDriver.DotMaxRows;

    /// <summary>Most rows a batch holds: enough that the helpers' hand-over cost is small next to the scoring.</summary>
    internal static readonly int MaxCapacity = Math.Max(8 * GemmDriver.DotMaxRows, 2 * BlockRows);

    private readonly MlpScorer _scorer;
    private readonly int _featureCount, _outputCount;
    private PendingChunks _pending;
    private bool _scoring;

    /// <param name="scorer">Scores the blocks (only its model is read, so helpers may share it).</param>
    /// <param name="featureCount">Features per row.</param>
    /// <param name="outputCount">Outputs per row.</param>
    /// <param name="capacity">Rows the batch holds (see <see cref="CapacityFor"/>).</param>
    /// <param name="slotBase">Where its rows start in the cursor's pass-through column buffers.</param>
    public ReadAheadBatch(MlpScorer scorer, int featureCount, int outputCount, int capacity, int slotBase)
    {
        _scorer = scorer;
        _featureCount = featureCount;
        _outputCount = outputCount;
        Capacity = capacity;
        SlotBase = slotBase;
        Features = new float[Capacity * featureCount];
        Outputs = new float[Capacity * outputCount];
        Ids = new DataViewRowId[Capacity];
    }

    /// <summary>Rows per batch for an input of <paramref name="rowCount"/> rows when known: a small view gets small buffers.</summary>
    public static int CapacityFor(long? rowCount) => (int)Math.Clamp(rowCount ?? MaxCapacity, 1, MaxCapacity);

    /// <summary>Rows this batch can hold.</summary>
    public int Capacity { get; }

    /// <summary>[<see cref="Capacity"/> × features], the first <see cref="Count"/> rows filled.</summary>
    public float[] Features { get; }

    /// <summary>[<see cref="Capacity"/> × outputs]; valid once <see cref="CompleteScoring"/> has returned.</summary>
    public float[] Outputs { get; }

    /// <summary>The input's row id of each row read.</summary>
    public DataViewRowId[] Ids { get; }

    /// <summary>The first slot of this batch's rows in the pass-through column buffers.</summary>
    public int SlotBase { get; }

    /// <summary>Rows held (0: none).</summary>
    public int Count { get; set; }

    /// <summary>The outputs of row <paramref name="row"/>; valid once <see cref="CompleteScoring"/> has returned.</summary>
    public ReadOnlySpan<float> OutputsOf(int row) => Outputs.AsSpan(row * _outputCount, _outputCount);

    /// <summary>Starts scoring the rows held; the helpers work on it until <see cref="CompleteScoring"/>.</summary>
    public void BeginScoring()
    {
        _pending = ParallelChunks.Begin(this, (Count + BlockRows - 1) / BlockRows, Environment.ProcessorCount);
        _scoring = true;
    }

    /// <summary>Scores what the helpers have not and waits for the rest; a no-op when no scoring is under way.</summary>
    public void CompleteScoring()
    {
        if (!_scoring) return;
        _scoring = false;
        _pending.Complete();
    }

    public void RunChunk(int index, int chunks)
    {
        int start = index * BlockRows, n = Math.Min(BlockRows, Count - start);
        _scorer.ScoreBatch(Features.AsSpan(start * _featureCount, n * _featureCount), n, Outputs.AsSpan(start * _outputCount, n * _outputCount));
    }
}

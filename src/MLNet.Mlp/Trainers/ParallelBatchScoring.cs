using MLNet.Mlp.Numerics;

namespace MLNet.Mlp.Trainers;

/// <summary>
/// Scores a read-ahead buffer of rows as independent blocks of at most <see cref="GemmDriver.DotMaxRows"/> rows,
/// the blocks shared by the caller and the GEMM helper threads (<see cref="ParallelChunks"/>). Each block is an
/// ordinary one-thread <see cref="MlpScorer.ScoreBatch"/>, so every value is what one-row scoring gives.
/// </summary>
internal sealed class ParallelBatchScoring : IChunkedWork
{
    /// <summary>Rows per block: products this small take the single-row kernel path (bit-identical to one row).</summary>
    internal const int BlockRows = GemmDriver.DotMaxRows;

    private readonly MlpScorer _scorer;
    private readonly int _features, _outputs;
    private float[] _input = [], _output = [];
    private int _rows;

    public ParallelBatchScoring(MlpScorer scorer, int features, int outputs)
    {
        _scorer = scorer;
        _features = features;
        _outputs = outputs;
    }

    /// <summary>Scores <paramref name="rows"/> rows of <paramref name="input"/> into <paramref name="output"/>.</summary>
    public void Score(float[] input, int rows, float[] output)
    {
        _input = input;
        _output = output;
        _rows = rows;
        try
        {
            int blocks = (rows + BlockRows - 1) / BlockRows;
            ParallelChunks.Run(this, blocks, Environment.ProcessorCount);
        }
        finally
        {
            _input = _output = [];
        }
    }

    public void RunChunk(int index, int chunks)
    {
        int start = index * BlockRows, n = Math.Min(BlockRows, _rows - start);
        _scorer.ScoreBatch(_input.AsSpan(start * _features, n * _features), n, _output.AsSpan(start * _outputs, n * _outputs));
    }
}

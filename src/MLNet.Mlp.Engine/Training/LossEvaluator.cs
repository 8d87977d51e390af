using MLNet.Mlp.Layers;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;

namespace MLNet.Mlp.Training;

/// <summary>
/// The weighted mean loss of a network on a data set in inference mode, keeping the outputs for a metric. It runs in
/// the chunks <see cref="Network.Predict"/> uses, whatever the training batch size, so validation reports exactly
/// what <see cref="NetworkTrainer.EvaluateLoss"/> and Predict give (the matrix kernel's rounding depends on the
/// chunk's row count).
/// </summary>
internal sealed class LossEvaluator
{
    private readonly Network _network;
    private readonly NetworkWorkspace _workspace;

    public LossEvaluator(Network network, TrainingData data)
    {
        _network = network;
        Data = data;
        _workspace = new NetworkWorkspace(network, Math.Min(data.Rows, Network.InferenceChunk));
        Outputs = new float[data.Rows * network.OutputSize];
        if (data.SparseFeatures is { } sparse)
        {
            int chunk = _workspace.Capacity;
            _order = new int[data.Rows];
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            if (network.Layers[0] is DenseLayer) _sparse = new SparseBatch(data.FeatureCount, chunk, SparseBatch.MaxNonZeros(sparse, chunk));
            else _dense = new float[chunk * data.FeatureCount];
        }
        else if (data.InputOffset != null)
        {
            _dense = new float[_workspace.Capacity * data.FeatureCount];
        }
    }

    // Sparse data: the chunk's rows, gathered sparse for a dense first layer or densified for any other; dense data with
    // an input offset: the chunk's rows with the offset removed.
    private readonly int[]? _order;
    private readonly SparseBatch? _sparse;
    private readonly float[]? _dense;

    /// <summary>The examples evaluated.</summary>
    public TrainingData Data { get; }

    /// <summary>The outputs of the last <see cref="Evaluate"/>, [rows × outputs].</summary>
    public float[] Outputs { get; }

    /// <summary>Σ wᵢ·ℓᵢ / Σ wᵢ over the data with the current weights.</summary>
    public double Evaluate(ILoss loss, int maxThreads)
    {
        var context = ForwardContext.Inference(maxThreads);
        var data = Data;
        var ws = _workspace;
        int f = data.FeatureCount, tw = data.TargetWidth, k = _network.OutputSize;
        var last = _network.Layers[^1];
        double total = 0, weightSum = 0;
        for (int start = 0; start < data.Rows; start += ws.Capacity)
        {
            int rows = Math.Min(ws.Capacity, data.Rows - start);
            if (data.SparseFeatures is not { } sparse)
            {
                ReadOnlySpan<float> x = data.Features.AsSpan(start * f, rows * f);
                if (_dense != null)
                {
                    x.CopyTo(_dense);
                    data.RemoveOffset(_dense, rows);
                    x = _dense.AsSpan(0, rows * f);
                }
                _network.Forward(ws, x, rows, context);
            }
            else if (_sparse != null)
            {
                _sparse.Gather(sparse, _order.AsSpan(start, rows));
                _network.Forward(ws, default, rows, context, _sparse);
            }
            else
            {
                for (int i = 0; i < rows; i++) sparse.CopyRowDense(start + i, _dense.AsSpan(i * f, f));
                _network.Forward(ws, _dense.AsSpan(0, rows * f), rows, context);
            }
            var output = ws.Output(rows);
            var targets = data.Targets.AsSpan(start * tw, rows * tw);
            ReadOnlySpan<float> w = data.Weights != null ? data.Weights.AsSpan(start, rows) : default;
            var scratch = ws.GradientA.AsSpan(0, rows * k);
            if (!(last is DenseLayer dense
                  && loss.TryComputeFused(dense.Activation, ws.Caches[^1].AsSpan(0, rows * k), output, targets, w, scratch, k, 1f, out double batchLoss)))
                batchLoss = loss.Compute(output, targets, w, scratch, k, 1f);
            total += batchLoss;
            weightSum += ExampleWeights.Total(w, rows);
            output.CopyTo(Outputs.AsSpan(start * k));
        }
        return total / Math.Max(weightSum, double.Epsilon);
    }
}

using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace MLNet.Mlp.Serving;

/// <summary>
/// Creates the pooled prediction engines through <see cref="ServingModel.CreateEngine"/>, so none owns the shared
/// model: the pool may dispose any engine it trims and the model keeps serving.
/// </summary>
public sealed class PredictionEnginePolicy(ServingModel model) : PooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
{
    private int _created;

    /// <summary>Engines created so far (more than the pool size means the pool has disposed some).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <inheritdoc/>
    public override PredictionEngine<ModelInput, ModelOutput> Create()
    {
        var engine = model.CreateEngine();
        Interlocked.Increment(ref _created);
        return engine;
    }

    /// <summary>An engine holds no per-request state between predictions, so every returned engine can be reused.</summary>
    public override bool Return(PredictionEngine<ModelInput, ModelOutput> obj) => true;
}

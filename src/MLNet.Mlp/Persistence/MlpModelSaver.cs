using Microsoft.ML;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Persistence;

/// <summary>Saves an MLP transformer through ML.NET's model format by delegating to stock transforms.</summary>
internal static class MlpModelSaver
{
    public static void Save(MlpPredictionTransformer transformer, ModelSaveContext ctx)
        => throw new NotSupportedException("Saving is being wired to the ONNX-backed route.");
}

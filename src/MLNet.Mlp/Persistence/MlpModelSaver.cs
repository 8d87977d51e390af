using Microsoft.ML;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Saves an MLP transformer through ML.NET's model format. ML.NET keeps its model-writing API internal, so the
/// transformer delegates to a chain of stock transforms built around the ONNX graph of the network (see
/// <see cref="OnnxBackedTransformerFactory"/>). Everything that can fail — the export, building the chain — runs
/// before the first byte is handed to ML.NET, so an unexportable model leaves no half-written entry behind.
/// </summary>
internal static class MlpModelSaver
{
    private static readonly MLContext Context = new(seed: 0);

    public static void Save(MlpPredictionTransformer transformer, ModelSaveContext ctx)
    {
        if (transformer.Model.OnnxExportBlocker is { } reason)
            // ML.NET opened (and truncated) the destination before calling us; say so, and how to avoid it.
            throw new NotSupportedException(reason + " mlContext.Model.Save has already created or truncated its destination before asking this transformer "
                + "to save itself, so that file is now incomplete; mlContext.Model.SaveAtomically refuses such a model before touching any file.");
        var chain = CreateChain(transformer);
        ((ICanSaveModel)chain).Save(ctx);
    }

    public static ITransformer CreateChain(MlpPredictionTransformer transformer)
    {
        var model = transformer.Model;
        var description = OnnxNetworkDescription.From(model, transformer.FeatureColumnName);
        var info = new OnnxBackedModelInfo(model.Head, transformer.FeatureColumnName, model.FeatureCount, model.OutputCount)
        {
            ClassValues = model.ClassValues,
        };
        // The graph folds batch norm and label standardization into the dense layers, which changes the arithmetic; the
        // unfolded model travels with it so that Model.LoadMlp restores the trained transformer bit for bit.
        var onnx = OnnxModelSeal.Seal(OnnxBackedTransformerFactory.ExportModel(description, info), CheckpointWithoutOptimizerState(model),
            transformer.FeatureColumnName, transformer.LabelColumnName);
        lock (Context)
            return OnnxBackedTransformerFactory.Create(Context, onnx, info);
    }

    /// <summary>What scoring needs (layers, weights, statistics, classes, history): optimizer state only matters to resume training, which the checkpoint is for.</summary>
    private static byte[] CheckpointWithoutOptimizerState(MlpModelParameters model)
        => MlpCheckpointFormat.Serialize(new MlpModelParameters(model.Head, model.Network, model.ClassValues, model.LabelMean, model.LabelScale, null, model.History, model.StopReason));

    /// <summary>The network as a stand-alone ONNX model (batched layout: input [N, features]).</summary>
    public static void ExportToOnnx(MlpModelParameters model, Stream stream, string inputName)
        => OnnxMlpExporter.Write(OnnxNetworkDescription.From(model, inputName), stream);
}

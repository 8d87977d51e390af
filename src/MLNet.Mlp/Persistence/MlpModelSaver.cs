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
        var chain = CreateChain(transformer);
        ((ICanSaveModel)chain).Save(ctx);
    }

    public static ITransformer CreateChain(MlpPredictionTransformer transformer)
    {
        var model = transformer.Model;
        var description = OnnxNetworkDescription.From(model, transformer.FeatureColumnName);
        var info = new OnnxBackedModelInfo(description.Head, transformer.FeatureColumnName, model.FeatureCount, model.OutputCount)
        {
            ClassValues = model.ClassValues is { } values ? ToOnnxClassValues(values) : null,
        };
        lock (Context)
            return OnnxBackedTransformerFactory.Create(Context, description, info);
    }

    /// <summary>The network as a stand-alone ONNX model (batched layout: input [N, features]).</summary>
    public static void ExportToOnnx(MlpModelParameters model, Stream stream, string inputName)
        => OnnxMlpExporter.Write(OnnxNetworkDescription.From(model, inputName), stream);

    private static OnnxClassValues ToOnnxClassValues(KeyValueSet values) => values.Values switch
    {
        ReadOnlyMemory<char>[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        float[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        double[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        int[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        uint[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        long[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        ulong[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        short[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        byte[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        bool[] v => OnnxClassValues.Create((Microsoft.ML.Data.PrimitiveDataViewType)values.ItemType, v),
        _ => throw new NotSupportedException($"Class values of type {values.Values.GetType()} cannot be saved."),
    };
}

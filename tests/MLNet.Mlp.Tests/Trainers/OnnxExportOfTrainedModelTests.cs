using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tests.Trainers;

/// <summary>
/// <c>MlpModelParameters.ExportToOnnx(Stream)</c> of models trained through the ML.NET trainers, run directly by ONNX
/// Runtime's <see cref="InferenceSession"/> (no ML.NET in between), against the transformer's own <c>Transform</c>.
/// </summary>
public class OnnxExportOfTrainedModelTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void MulticlassExportWithBatchNormGivesTheTransformScoresAndLabelsInOnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var data = Normalized(ml, TestData.Wine.Load(ml), key: true);
        var transformer = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassOptions { HiddenLayers = [10], NumberOfEpochs = 15, LearningRate = 0.01f, BatchNormalization = true, DropoutRate = 0.1f, Seed = 2 }).Fit(data);
        var scored = transformer.Transform(data);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();

        var outputs = RunOnnx(transformer.Model, data);
        var onnxScores = outputs["Score"].Floats;
        Assert.Equal(scores.Length * 3, onnxScores.Length);
        for (int r = 0; r < scores.Length; r++)
            for (int k = 0; k < 3; k++)
                Assert.Equal(scores[r][k], onnxScores[r * 3 + k], Tolerance);
        Assert.Equal(keys.Select(k => (long)k - 1), outputs["PredictedLabel"].Int64s);
    }

    [Fact]
    public void BinaryExportGivesTheTransformLogitProbabilityAndLabelInOnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var data = Normalized(ml, TestData.BreastCancer.Load(ml), key: false);
        var transformer = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryOptions { HiddenLayers = [8], NumberOfEpochs = 10, LearningRate = 0.005f, Seed = 2 }).Fit(data);
        var scored = transformer.Transform(data);
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();

        var outputs = RunOnnx(transformer.Model, data);
        Assert.Equal(scores.Length, outputs["Score"].Floats.Length);
        for (int r = 0; r < scores.Length; r++)
        {
            Assert.Equal(scores[r], outputs["Score"].Floats[r], Tolerance * Math.Max(1f, Math.Abs(scores[r])));
            Assert.Equal(probabilities[r], outputs["Probability"].Floats[r], Tolerance);
        }
        Assert.Equal(labels, outputs["PredictedLabel"].Bools);
    }

    [Fact]
    public void RegressionExportWithStandardizedLabelsGivesTheTransformScoresInOnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var data = Normalized(ml, TestData.Diabetes.Load(ml), key: false);
        var transformer = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [8], NumberOfEpochs = 10, LearningRate = 0.005f, BatchNormalization = true, Seed = 2 }).Fit(data);
        var scores = transformer.Transform(data).GetColumn<float>("Score").ToArray();
        var onnx = RunOnnx(transformer.Model, data)["Score"].Floats;
        Assert.Equal(scores.Length, onnx.Length);
        for (int r = 0; r < scores.Length; r++)
            Assert.Equal(scores[r], onnx[r], Tolerance * Math.Max(1f, Math.Abs(scores[r])));
    }

    [Fact]
    public void MultiOutputRegressionExportGivesTheTransformVectorScoresInOnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.TwoTargets(200, seed: 4));
        var transformer = ml.Regression.Trainers.Mlp(new MlpRegressionOptions { HiddenLayers = [8], NumberOfEpochs = 10, LearningRate = 0.01f, Seed = 2 }).Fit(data);
        var scores = transformer.Transform(data).GetColumn<float[]>("Score").ToArray();
        var onnx = RunOnnx(transformer.Model, data)["Score"];
        Assert.Equal([scores.Length, 2L], onnx.Shape);
        for (int r = 0; r < scores.Length; r++)
            for (int k = 0; k < 2; k++)
                Assert.Equal(scores[r][k], onnx.Floats[r * 2 + k], Tolerance * Math.Max(1f, Math.Abs(scores[r][k])));
    }

    private static IDataView Normalized(MLContext ml, IDataView data, bool key)
    {
        IEstimator<ITransformer> pipeline = ml.Transforms.NormalizeMeanVariance("Features");
        if (key) pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey("Label"));
        return ml.Data.Cache(pipeline.Fit(data).Transform(data));
    }

    private sealed record Output(long[] Shape, float[] Floats, long[] Int64s, bool[] Bools);

    private static Dictionary<string, Output> RunOnnx(MlpModelParameters model, IDataView data)
    {
        using var buffer = new MemoryStream();
        model.ExportToOnnx(buffer);
        var rows = data.GetColumn<float[]>("Features").ToArray();
        var flat = rows.SelectMany(r => r).ToArray();
        using var session = new InferenceSession(buffer.ToArray());
        Assert.Equal(["Features"], session.InputNames);
        using var input = OrtValue.CreateTensorValueFromMemory(flat, [rows.Length, model.FeatureCount]);
        using var runOptions = new RunOptions();
        var names = session.OutputNames.ToArray();
        using var results = session.Run(runOptions, ["Features"], [input], names);
        var outputs = new Dictionary<string, Output>();
        for (int i = 0; i < names.Length; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            outputs[names[i]] = info.ElementDataType switch
            {
                TensorElementType.Float => new Output(info.Shape, results[i].GetTensorDataAsSpan<float>().ToArray(), [], []),
                TensorElementType.Int64 => new Output(info.Shape, [], results[i].GetTensorDataAsSpan<long>().ToArray(), []),
                TensorElementType.Bool => new Output(info.Shape, [], [], results[i].GetTensorDataAsSpan<bool>().ToArray()),
                var t => throw new NotSupportedException(t.ToString()),
            };
        }
        return outputs;
    }
}

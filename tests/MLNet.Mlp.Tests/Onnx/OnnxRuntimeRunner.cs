using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.Mlp.Tests.Onnx;

/// <summary>Runs an ONNX file with ONNX Runtime directly (no ML.NET) and returns each output's shape and data.</summary>
internal static class OnnxRuntimeRunner
{
    public sealed record Output(long[] Shape, float[] Floats, long[] Int64s, bool[] Bools);

    public static Dictionary<string, Output> Run(string modelPath, string inputName, float[] data, long[] shape)
    {
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var results = session.Run(runOptions, [inputName], [input], outputNames);
        var outputs = new Dictionary<string, Output>();
        for (int i = 0; i < outputNames.Length; i++)
        {
            var value = results[i];
            var info = value.GetTensorTypeAndShape();
            outputs[outputNames[i]] = info.ElementDataType switch
            {
                TensorElementType.Float => new Output(info.Shape, value.GetTensorDataAsSpan<float>().ToArray(), [], []),
                TensorElementType.Int64 => new Output(info.Shape, [], value.GetTensorDataAsSpan<long>().ToArray(), []),
                TensorElementType.Bool => new Output(info.Shape, [], [], value.GetTensorDataAsSpan<bool>().ToArray()),
                var t => throw new NotSupportedException(t.ToString()),
            };
        }
        return outputs;
    }
}

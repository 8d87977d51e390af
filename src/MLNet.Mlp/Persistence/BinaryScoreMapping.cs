using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Stateless custom mapping: ONNX's length-1 Score / Probability / PredictedLabel vectors → the scalar columns of an
/// ML.NET binary classifier. Resolved at load time through the assembly name ML.NET stores with the contract name.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class BinaryScoreMapping : CustomMappingFactory<BinaryScoreMapping.Source, BinaryScoreMapping.Destination>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    public const string ContractName = "MLNet.Mlp.BinaryScore.v1";

    /// <summary>The mapping.</summary>
    public static void Map(Source source, Destination destination)
    {
        destination.Score = source.Score[0];
        destination.Probability = source.Probability[0];
        destination.PredictedLabel = source.PredictedLabel[0];
    }

    /// <inheritdoc />
    public override Action<Source, Destination> GetMapping() => Map;

    /// <summary>Input row.</summary>
    public sealed class Source
    {
        /// <summary>ONNX logit output.</summary>
        [ColumnName(OnnxColumnNames.OnnxScore)]
        [VectorType(1)]
        public float[] Score { get; set; } = [];

        /// <summary>ONNX probability output.</summary>
        [ColumnName(OnnxColumnNames.OnnxProbability)]
        [VectorType(1)]
        public float[] Probability { get; set; } = [];

        /// <summary>ONNX predicted label output.</summary>
        [ColumnName(OnnxColumnNames.OnnxPredictedLabel)]
        [VectorType(1)]
        public bool[] PredictedLabel { get; set; } = [];
    }

    /// <summary>Output row.</summary>
    public sealed class Destination
    {
        /// <summary>Raw score (logit).</summary>
        [ColumnName(PredictionColumnNames.Score)]
        public float Score { get; set; }

        /// <summary>sigmoid(Score).</summary>
        [ColumnName(PredictionColumnNames.Probability)]
        public float Probability { get; set; }

        /// <summary>Probability &gt; 0.5.</summary>
        [ColumnName(PredictionColumnNames.PredictedLabel)]
        public bool PredictedLabel { get; set; }
    }
}

using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Stateless custom mapping: ONNX's length-1 score vector → scalar <c>Score</c> (single-output regression).
/// ML.NET stores only the contract name and this assembly's name, and <c>Model.Load</c> loads the assembly and finds the
/// factory by its attribute, so no <c>ComponentCatalog.RegisterAssembly</c> call is needed.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class RegressionScoreMapping : CustomMappingFactory<RegressionScoreMapping.Source, RegressionScoreMapping.Destination>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    public const string ContractName = "MLNet.Mlp.RegressionScore.v1";

    /// <summary>The mapping.</summary>
    public static void Map(Source source, Destination destination) => destination.Score = source.Score[0];

    /// <inheritdoc />
    public override Action<Source, Destination> GetMapping() => Map;

    /// <summary>Input row.</summary>
    public sealed class Source
    {
        /// <summary>ONNX score output.</summary>
        [ColumnName(OnnxColumnNames.OnnxScore)]
        [VectorType(1)]
        public float[] Score { get; set; } = [];
    }

    /// <summary>Output row.</summary>
    public sealed class Destination
    {
        /// <summary>Scalar score.</summary>
        [ColumnName(PredictionColumnNames.Score)]
        public float Score { get; set; }
    }
}

using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Stateless custom mapping: ONNX's length-1 arg-max vector → a scalar Int64 class index, which a built-in MapValue
/// then turns into the key-typed PredictedLabel. Resolved at load time through the assembly name ML.NET stores.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class ClassIndexMapping : CustomMappingFactory<ClassIndexMapping.Source, ClassIndexMapping.Destination>
{
    /// <summary>Contract name stored in saved models; never change it.</summary>
    public const string ContractName = "MLNet.Mlp.ClassIndex.v1";

    /// <summary>The mapping.</summary>
    public static void Map(Source source, Destination destination) => destination.ClassIndex = source.ClassIndex[0];

    /// <inheritdoc />
    public override Action<Source, Destination> GetMapping() => Map;

    /// <summary>Input row.</summary>
    public sealed class Source
    {
        /// <summary>ONNX arg-max output.</summary>
        [ColumnName(OnnxColumnNames.OnnxPredictedLabel)]
        [VectorType(1)]
        public long[] ClassIndex { get; set; } = [];
    }

    /// <summary>Output row.</summary>
    public sealed class Destination
    {
        /// <summary>0-based class index.</summary>
        [ColumnName(OnnxColumnNames.ClassIndex)]
        public long ClassIndex { get; set; }
    }
}

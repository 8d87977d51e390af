using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Onnx;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Builds a fitted chain of ML.NET transformers that reproduces a predictor's output columns from its ONNX form.
/// Saving that chain is how our predictor saves itself: stock <c>Model.Load</c> reads it in any process that can load
/// this assembly, with no registration call.
/// </summary>
/// <remarks>
/// The chain, all built-in transformers except three stateless custom mappings defined in this assembly:
/// <list type="number">
/// <item><c>ApplyOnnxModel</c> — the ONNX bytes are stored inside the model zip. The graph is exported in the
/// single-row layout (input [F], outputs [1] or [K]), which OnnxTransformer maps to fixed-size vector columns.</item>
/// <item>A <c>CustomMapping</c> turning the length-1 vectors into scalars (<see cref="RegressionScoreMapping"/>,
/// <see cref="BinaryScoreMapping"/>, <see cref="ClassIndexMapping"/>). OnnxTransformer cannot produce scalar columns
/// itself: it types rank-0 outputs as scalars but its scalar getter throws at run time (ML.NET 5.0.1). ML.NET saves
/// the contract name together with this assembly's name and loads and registers that assembly when the model is
/// loaded, so no <c>RegisterAssembly</c> call is needed (this assembly must be deployable, as it is for our users).</item>
/// <item>Multiclass: a built-in <c>MapValue</c> from the class index to <c>Key&lt;UInt32, K&gt;</c> whose lookup
/// column carries the label's KeyValues, which MapValue copies to its output and stores in the model.</item>
/// <item><c>DropColumns</c> of the temporary ONNX columns.</item>
/// </list>
/// Multiclass Score keeps its fixed size K but has no SlotNames: no built-in transform can attach slot names to an
/// existing vector (Concatenate names slots only after scalar source columns, which would have to be named like the
/// classes, and a custom mapping's column names are fixed at compile time).
/// </remarks>
internal static class OnnxBackedTransformerFactory
{
    /// <summary>
    /// Exports <paramref name="description"/> the way <see cref="Create(MLContext, byte[], OnnxBackedModelInfo)"/>
    /// expects: single-row layout, input named after the feature column, outputs named after the chain's temporaries.
    /// </summary>
    public static byte[] ExportModel(OnnxMlpDescription description, OnnxBackedModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        if (description.Head != info.Head || description.InputSize != info.FeatureCount || description.OutputSize != info.OutputCount)
            throw new ArgumentException("The network description and the model info disagree on head, feature count or output count.");
        var options = new OnnxExportOptions
        {
            Layout = OnnxBatchLayout.SingleRow,
            // Vector scores (multiclass, multi-output regression) are final as they come out of ONNX.
            ScoreName = ScoreIsVector(info) ? OnnxColumnNames.Score : OnnxColumnNames.OnnxScore,
            ProbabilityName = OnnxColumnNames.OnnxProbability,
            PredictedLabelName = OnnxColumnNames.OnnxPredictedLabel,
        };
        return OnnxMlpExporter.ToBytes(description with { InputName = info.FeatureColumnName }, options);
    }

    /// <summary>Exports the network and builds the chain in one step.</summary>
    public static ITransformer Create(MLContext ml, OnnxMlpDescription description, OnnxBackedModelInfo info) =>
        Create(ml, ExportModel(description, info), info);

    /// <summary>
    /// Returns a fitted chain of ML.NET transformers equivalent to the predictor.
    /// <paramref name="onnxModel"/> must come from <see cref="ExportModel"/> with the same <paramref name="info"/>.
    /// Any <see cref="MLContext"/> will do: the chain is used to save (and may be used to transform).
    /// </summary>
    public static ITransformer Create(MLContext ml, byte[] onnxModel, OnnxBackedModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();

        string[] onnxOutputs = info.Head switch
        {
            OnnxHead.Regression when ScoreIsVector(info) => [OnnxColumnNames.Score],
            OnnxHead.Regression => [OnnxColumnNames.OnnxScore],
            OnnxHead.Binary => [OnnxColumnNames.OnnxScore, OnnxColumnNames.OnnxProbability, OnnxColumnNames.OnnxPredictedLabel],
            OnnxHead.Multiclass => [OnnxColumnNames.Score, OnnxColumnNames.OnnxPredictedLabel],
            _ => throw new ArgumentException($"Unknown head {info.Head}."),
        };
        IEstimator<ITransformer> pipeline = ml.Transforms.ApplyOnnxModel(onnxOutputs, [info.FeatureColumnName], new MemoryStream(onnxModel, writable: false));

        switch (info.Head)
        {
            case OnnxHead.Regression when ScoreIsVector(info):
                break;
            case OnnxHead.Regression:
                pipeline = pipeline.Append(ml.Transforms.CustomMapping<RegressionScoreMapping.Source, RegressionScoreMapping.Destination>(
                    RegressionScoreMapping.Map, RegressionScoreMapping.ContractName));
                break;
            case OnnxHead.Binary:
                pipeline = pipeline.Append(ml.Transforms.CustomMapping<BinaryScoreMapping.Source, BinaryScoreMapping.Destination>(
                    BinaryScoreMapping.Map, BinaryScoreMapping.ContractName));
                break;
            case OnnxHead.Multiclass:
                var lookup = ClassLookup(ml, info);
                pipeline = pipeline
                    .Append(ml.Transforms.CustomMapping<ClassIndexMapping.Source, ClassIndexMapping.Destination>(
                        ClassIndexMapping.Map, ClassIndexMapping.ContractName))
                    .Append(ml.Transforms.Conversion.MapValue(OnnxColumnNames.PredictedLabel, lookup, lookup.Schema[nameof(LookupRow.Key)],
                        lookup.Schema[nameof(LookupRow.Value)], OnnxColumnNames.ClassIndex));
                break;
        }

        var temporaries = onnxOutputs.Where(name => name != OnnxColumnNames.Score).ToList();
        if (info.Head == OnnxHead.Multiclass)
            temporaries.Add(OnnxColumnNames.ClassIndex);
        if (temporaries.Count > 0)
            pipeline = pipeline.Append(ml.Transforms.DropColumns([.. temporaries]));
        return pipeline.Fit(FeatureOnlyData(ml, info));
    }

    private static bool ScoreIsVector(OnnxBackedModelInfo info) =>
        info.Head == OnnxHead.Multiclass || (info.Head == OnnxHead.Regression && info.OutputCount > 1);

    /// <summary>
    /// Lookup table for MapValue: Key = class index (Int64, as ONNX ArgMax returns it), Value = the class as
    /// <c>Key&lt;UInt32, K&gt;</c>, annotated with the label's KeyValues. (LoadFromEnumerable reads a key-typed uint
    /// property as a 0-based index, so Value = i becomes key i + 1, the class's 1-based key; checked by the tests.) MapValue copies the Value column's annotations
    /// to its output and saves the table, annotations included, in the model.
    /// </summary>
    private static IDataView ClassLookup(MLContext ml, OnnxBackedModelInfo info)
    {
        int k = info.OutputCount;
        var definition = SchemaDefinition.Create(typeof(LookupRow));
        var value = definition[nameof(LookupRow.Value)];
        value.ColumnType = new KeyDataViewType(typeof(uint), k);
        if (info.ClassValues is { } classes)
        {
            // AddAnnotation<T> is generic in the VBuffer type, known here only at run time.
            typeof(SchemaDefinition.Column).GetMethod(nameof(SchemaDefinition.Column.AddAnnotation), BindingFlags.Public | BindingFlags.Instance)!
                .MakeGenericMethod(classes.Values.GetType())
                .Invoke(value, [AnnotationKinds.KeyValues, classes.Values, classes.Type]);
        }
        var rows = Enumerable.Range(0, k).Select(i => new LookupRow { Key = i, Value = (uint)i }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>An empty data view with just the feature column: these estimators only need a schema to fit.</summary>
    private static IDataView FeatureOnlyData(MLContext ml, OnnxBackedModelInfo info)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        var column = definition[nameof(FeatureRow.Features)];
        column.ColumnName = info.FeatureColumnName;
        column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, info.FeatureCount);
        return ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), definition);
    }

    private sealed class LookupRow
    {
        public long Key { get; set; }

        public uint Value { get; set; }
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Tasks;

namespace MLNet.Mlp.Persistence;

/// <summary>
/// Builds a fitted chain of ML.NET transformers that reproduces a predictor's output columns from its ONNX form.
/// Saving that chain is how our predictor saves itself: stock <c>Model.Load</c> reads it in any process that can load
/// this assembly, with no registration call.
/// </summary>
/// <remarks>
/// The chain, all built-in transformers except three stateless custom mappings defined in this assembly; the task's
/// head (<see cref="MlpTaskHead"/>) says which ONNX outputs it reads and which mapping follows:
/// <list type="number">
/// <item><c>ApplyOnnxModel</c> — the ONNX bytes are stored inside the model zip. The graph is exported in the
/// single-row layout (input [F], outputs [1] or [K]), which OnnxTransformer maps to fixed-size vector columns.</item>
/// <item>A <c>CustomMapping</c> turning the length-1 vectors into scalars (<see cref="RegressionScoreMapping"/>,
/// <see cref="BinaryScoreMapping"/>, <see cref="ClassIndexMapping"/>). OnnxTransformer cannot produce scalar columns
/// itself: it types rank-0 outputs as scalars but its scalar getter throws at run time (ML.NET 5.0.1). ML.NET saves
/// the contract name together with this assembly's name and loads and registers that assembly when the model is
/// loaded, so no <c>RegisterAssembly</c> call is needed (this assembly must be deployable, as it is for our users).</item>
/// <item>Multiclass: a built-in <c>MapValue</c> from the class index to <c>Key&lt;UInt32, K&gt;</c> whose lookup
/// column carries the label's KeyValues, which MapValue copies to its output and stores in the model (<see cref="ClassKeyLookup"/>).</item>
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
        if (description.Head != info.Head.OnnxHead || description.InputSize != info.FeatureCount || description.OutputSize != info.OutputCount)
            throw new ArgumentException("The network description and the model info disagree on head, feature count or output count.");
        var options = new OnnxExportOptions
        {
            Layout = OnnxBatchLayout.SingleRow,
            SparseFirstLayer = ReadsNonZeros(description),
            // Vector scores (multiclass, multi-output regression) are final as they come out of ONNX.
            ScoreName = info.Head.ScoreIsVector(info.OutputCount) ? PredictionColumnNames.Score : OnnxColumnNames.OnnxScore,
            ProbabilityName = OnnxColumnNames.OnnxProbability,
            PredictedLabelName = OnnxColumnNames.OnnxPredictedLabel,
        };
        return OnnxMlpExporter.ToBytes(description with { InputName = info.FeatureColumnName }, options);
    }

    /// <summary>
    /// The fewest first-layer weights (inputs × units) for which the saved graph's first layer reads each row's
    /// non-zeros (<see cref="OnnxExportOptions.SparseFirstLayer"/>): 2²¹, 8 MB of weights. ONNX Runtime runs the
    /// single-row graph's dense product over such a layer no faster than it gathers every row of W for a row with no
    /// zero at all (16,384 × 128: 2.0 ms against 0.7 ms a row), so no row is slower; below, a dense row is up to seven
    /// times slower gathered (5,000 × 128: 0.08 ms against 0.56 ms), while the dense product stays cheap for any row.
    /// </summary>
    public const long SparseFirstLayerMinWeights = 1L << 21;

    /// <summary>Whether the saved graph's first layer reads each row's non-zeros: a dense first layer of at least
    /// <see cref="SparseFirstLayerMinWeights"/> weights (a text vocabulary's).</summary>
    public static bool ReadsNonZeros(OnnxMlpDescription description)
        => description.Layers.Count > 0 && description.Layers[0] is OnnxDenseLayer first && (long)first.InputSize * first.OutputSize >= SparseFirstLayerMinWeights;

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

        string[] onnxOutputs = info.Head.OnnxOutputColumns(info.OutputCount);
        IEstimator<ITransformer> pipeline = ml.Transforms.ApplyOnnxModel(onnxOutputs, [info.FeatureColumnName], new MemoryStream(onnxModel, writable: false));
        pipeline = info.Head.AppendOutputMapping(ml, pipeline, info);

        var temporaries = onnxOutputs.Where(name => name != PredictionColumnNames.Score).Concat(info.Head.MappingTemporaryColumns).ToList();
        if (temporaries.Count > 0)
            pipeline = pipeline.Append(ml.Transforms.DropColumns([.. temporaries]));
        return pipeline.Fit(FeatureOnlyData(ml, info));
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

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}

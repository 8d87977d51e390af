using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Networks;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Scoring;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tasks;

/// <summary>
/// Binary classification: a Boolean label, one sigmoid output trained with binary cross-entropy, columns <c>Score</c>
/// (the logit), <c>Probability</c> (its sigmoid) and <c>PredictedLabel</c> (probability &gt; 0.5), as ML.NET's
/// calibrated binary classifiers produce them.
/// </summary>
internal sealed class BinaryTaskHead : ClassificationTaskHead
{
    private const string ScoreColumnKind = "BinaryClassification";

    public override MlpTask Task => MlpTask.BinaryClassification;

    public override IActivation OutputActivation => Activation.Sigmoid;

    public override ILoss CreateLoss() => new BinaryCrossEntropyLoss();

    protected override LabelShape LabelShapeOf(DataViewSchema.Column label)
    {
        if (label.Type != BooleanDataViewType.Instance)
            throw new ArgumentException($"Label column '{label.Name}' has type {label.Type}, but binary classification needs a Boolean label.", nameof(label));
        return new LabelShape(TargetWidth: 1, OutputCount: 1, ClassCount: 2);
    }

    // Class weights are [negative, positive].
    public override LabelReader CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, LabelShape shape, float[]? classWeights)
        => new BooleanLabelReader(cursor, label, classWeights);

    protected override string ClassName(DataViewSchema.Column label, int index) => index == 1 ? "true" : "false";

    protected override string SingleClassMessage(int rows, string className, string labelColumn)
        => $"Every one of the {rows} training rows has label {className} in column '{labelColumn}'; a binary classifier needs both classes.";

    public override void CheckLabelShape(SchemaShape.Column label)
    {
        if (label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != BooleanDataViewType.Instance)
            throw new ArgumentException($"Label column '{label.Name}' has type {MlpOutputSchema.Describe(label)}, but binary classification needs a Boolean label.", "input");
    }

    public override SchemaShape OutputShape(MLContext stock, SchemaShape input, MlpOptionsBase options)
        => stock.BinaryClassification.Trainers.SdcaLogisticRegression(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input);

    public override void AddOutputColumns(DataViewSchema.Builder builder, MlpModelParameters model)
    {
        builder.AddColumn(PredictionColumnNames.Score, NumberDataViewType.Single, ScoreAnnotations(ScoreColumnKind, "Score").ToAnnotations());
        builder.AddColumn(PredictionColumnNames.Probability, NumberDataViewType.Single, ScoreAnnotations(ScoreColumnKind, "Probability").ToAnnotations());
        builder.AddColumn(PredictionColumnNames.PredictedLabel, BooleanDataViewType.Instance, ScoreAnnotations(ScoreColumnKind, "PredictedLabel").ToAnnotations());
    }

    /// <summary>The logit: the output layer before its sigmoid.</summary>
    public override void Predict(Network network, ReadOnlySpan<float> features, Span<float> outputs, int rows, ZeroSkippingInference? zeroSkipping = null)
        => network.PredictPreActivation(features, outputs, rows, 1, zeroSkipping);

    /// <inheritdoc/>
    public override void PredictSparse(Network network, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> outputs, ZeroSkippingInference? zeroSkipping = null)
        => network.PredictSparseRow(indices, values, outputs, preActivation: true, zeroSkipping);

    public override Delegate CreateGetter(DataViewSchema.Column column, MlpRowScoring row) => column.Name switch
    {
        PredictionColumnNames.Score => (ValueGetter<float>)((ref float v) => v = row.ScoredOutputs()[0]),
        PredictionColumnNames.Probability => (ValueGetter<float>)((ref float v) => v = StableMath.Sigmoid(row.ScoredOutputs()[0])),
        PredictionColumnNames.PredictedLabel => (ValueGetter<bool>)((ref bool v) => v = StableMath.Sigmoid(row.ScoredOutputs()[0]) > 0.5f),
        _ => throw MlpRowScoring.UnknownColumn(column),
    };

    public override OnnxHead OnnxHead => OnnxHead.Binary;

    /// <summary>The ONNX head applies the sigmoid itself, from the logit.</summary>
    public override OnnxDenseLayer OnnxOutputLayer(OnnxDenseLayer last) => last with { Activation = OnnxActivation.Identity };

    public override bool ScoreIsVector(int outputCount) => false;

    public override string[] OnnxOutputColumns(int outputCount) => [OnnxColumnNames.OnnxScore, OnnxColumnNames.OnnxProbability, OnnxColumnNames.OnnxPredictedLabel];

    public override IEstimator<ITransformer> AppendOutputMapping(MLContext ml, IEstimator<ITransformer> onnx, OnnxBackedModelInfo info)
        => onnx.Append(ml.Transforms.CustomMapping<BinaryScoreMapping.Source, BinaryScoreMapping.Destination>(BinaryScoreMapping.Map, BinaryScoreMapping.ContractName));

    public override void ValidateOutputCount(int outputCount)
    {
        if (outputCount != 1)
            throw new ArgumentException("A binary predictor has one output.");
    }

    public override MlpPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema inputSchema, string featureColumnName, string? labelColumnName)
        => new MlpBinaryPredictionTransformer(model, inputSchema, featureColumnName);
}

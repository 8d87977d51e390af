using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Mlp.Activations;
using MLNet.Mlp.Losses;
using MLNet.Mlp.Metrics;
using MLNet.Mlp.Onnx;
using MLNet.Mlp.Persistence;
using MLNet.Mlp.Scoring;
using MLNet.Mlp.Trainers;

namespace MLNet.Mlp.Tasks;

/// <summary>
/// Regression: a Single label, or a known-size vector of Single for multi-output regression; identity outputs trained
/// with squared error; column <c>Score</c> of the label's shape.
/// </summary>
internal sealed class RegressionTaskHead : MlpTaskHead
{
    public override MlpTask Task => MlpTask.Regression;

    public override IActivation OutputActivation => Activation.Identity;

    public override ILoss CreateLoss() => new MeanSquaredErrorLoss();

    public override IMetric CreateMetric() => new RSquaredMetric();

    public override string MetricName => "R²";

    protected override LabelShape LabelShapeOf(DataViewSchema.Column label)
    {
        var type = label.Type;
        if (type == NumberDataViewType.Single) return new LabelShape(TargetWidth: 1, OutputCount: 1, ClassCount: 0);
        if (type is VectorDataViewType { ItemType: var item } v && item == NumberDataViewType.Single && v.IsKnownSize)
            return new LabelShape(TargetWidth: v.Size, OutputCount: v.Size, ClassCount: 0);
        throw new ArgumentException($"Label column '{label.Name}' has type {type}, but regression needs a Single or a known-size vector of Single.", nameof(label));
    }

    public override LabelReader CreateLabelReader(DataViewRowCursor cursor, DataViewSchema.Column label, LabelShape shape, float[]? classWeights)
        => label.Type is VectorDataViewType ? new VectorLabelReader(cursor, label) : new ScalarLabelReader(cursor, label);

    public override void CheckLabelShape(SchemaShape.Column label)
    {
        if (label.IsKey || label.Kind == SchemaShape.Column.VectorKind.VariableVector || label.ItemType != NumberDataViewType.Single)
            throw new ArgumentException($"Label column '{label.Name}' has type {MlpOutputSchema.Describe(label)}, but regression needs a Single or a known-size vector of Single.", "input");
    }

    public override SchemaShape OutputShape(MLContext stock, SchemaShape input, MlpOptionsBase options)
    {
        var label = input.First(c => c.Name == options.LabelColumnName);
        if (label.Kind == SchemaShape.Column.VectorKind.Scalar)
            return stock.Regression.Trainers.Sdca(options.LabelColumnName, options.FeatureColumnName, options.ExampleWeightColumnName).GetOutputSchema(input);
        // Multi-output regression: no stock trainer declares a vector Score; the closest public route is to let a stock
        // transform append a Score column of the label's shape.
        var copy = stock.Transforms.CopyColumns(PredictionColumnNames.Score, options.LabelColumnName);
        return copy.GetOutputSchema(input);
    }

    public override void AddOutputColumns(DataViewSchema.Builder builder, MlpModelParameters model)
    {
        DataViewType type = ScoreIsVector(model.OutputCount) ? new VectorDataViewType(NumberDataViewType.Single, model.OutputCount) : NumberDataViewType.Single;
        builder.AddColumn(PredictionColumnNames.Score, type, ScoreAnnotations("Regression", "Score").ToAnnotations());
    }

    public override Delegate CreateGetter(DataViewSchema.Column column, MlpRowScoring row) => column.Name switch
    {
        PredictionColumnNames.Score when column.Type is VectorDataViewType => (ValueGetter<VBuffer<float>>)row.GetOutputs,
        PredictionColumnNames.Score => (ValueGetter<float>)((ref float v) => v = row.ScoredOutputs()[0]),
        _ => throw MlpRowScoring.UnknownColumn(column),
    };

    public override OnnxHead OnnxHead => OnnxHead.Regression;

    public override bool ScoreIsVector(int outputCount) => outputCount > 1;

    public override string[] OnnxOutputColumns(int outputCount)
        => ScoreIsVector(outputCount) ? [PredictionColumnNames.Score] : [OnnxColumnNames.OnnxScore];

    public override IEstimator<ITransformer> AppendOutputMapping(MLContext ml, IEstimator<ITransformer> onnx, OnnxBackedModelInfo info)
        => ScoreIsVector(info.OutputCount)
            ? onnx
            : onnx.Append(ml.Transforms.CustomMapping<RegressionScoreMapping.Source, RegressionScoreMapping.Destination>(RegressionScoreMapping.Map, RegressionScoreMapping.ContractName));

    public override MlpPredictionTransformer CreateTransformer(MlpModelParameters model, DataViewSchema inputSchema, string featureColumnName, string? labelColumnName)
        => new MlpRegressionPredictionTransformer(model, inputSchema, featureColumnName);
}
